'use strict'

// `npm run test:binaries [dir...]`: proves each Linux binary that `npm run build:all` left in npm/:
// its size; for gnu binaries, that no symbol version above the glibc floor is needed; for musl
// binaries, that nothing of glibc is linked; and that it runs real calls against fakecloud
// (__test__/binaries/smoke.js): the x64 ones with the Node on PATH, the arm64 gnu one with the
// official arm64 Node under qemu-user. Ends with `N passed, N failed`.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { GLIBC_FLOOR, LINUX_TARGETS } = require('./targets.js')
const { LINES, ensureNode } = require('./nodes.js')

const ROOT = path.join(__dirname, '..')
const SMOKE = path.join(ROOT, '__test__', 'binaries', 'smoke.js')
/** Where Debian's libc6-arm64-cross puts the arm64 loader and libraries that qemu-user needs. */
const ARM64_SYSROOT = process.env.QEMU_LD_PREFIX || '/usr/aarch64-linux-gnu'

const compareVersions = (a, b) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number))
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) - (y[i] || 0)
  return 0
}

function readelf(args, file) {
  const out = spawnSync('readelf', [...args, file], { encoding: 'utf8' })
  if (out.status !== 0) throw new Error(`readelf ${args.join(' ')} failed: ${out.stderr}`)
  return out.stdout
}

/** The libraries a binary asks the loader for, and the glibc symbol versions it needs. */
function linkage(file) {
  const needed = [...readelf(['-d', '-W'], file).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1])
  const glibc = [...new Set([...readelf(['-V', '-W'], file).matchAll(/Name: GLIBC_([0-9.]+)/g)].map((m) => m[1]))]
  glibc.sort(compareVersions)
  return { needed, glibc, highest: glibc[glibc.length - 1] || null }
}

/** The command that runs `node` for `arch` on this machine. */
function nodeCommand(arch) {
  if (arch === process.arch) return [process.execPath]
  if (arch !== 'arm64') return null
  const qemu = spawnSync('qemu-aarch64', ['--version'], { stdio: 'ignore' })
  if (qemu.status !== 0) throw new Error('qemu-aarch64 is not installed (Debian: qemu-user, libc6-arm64-cross)')
  if (!fs.existsSync(path.join(ARM64_SYSROOT, 'lib', 'ld-linux-aarch64.so.1'))) {
    throw new Error(`no arm64 glibc in ${ARM64_SYSROOT} (Debian: libc6-arm64-cross, libstdc++6-arm64-cross)`)
  }
  return ['qemu-aarch64', '-L', ARM64_SYSROOT, ensureNode(LINES[24], 'arm64')]
}

function main() {
  const only = process.argv.slice(2)
  const results = []
  const check = (name, fn) => {
    try {
      const detail = fn()
      results.push(true)
      console.log(`ok - ${name}${detail ? `: ${detail}` : ''}`)
    } catch (err) {
      results.push(false)
      console.log(`not ok - ${name}: ${err.message}`)
    }
  }
  const targets = LINUX_TARGETS.filter((t) => only.length === 0 || only.includes(t.dir))
  for (const target of targets) {
    const file = path.join(ROOT, 'npm', target.dir, target.file)
    if (!fs.existsSync(file)) {
      check(`${target.dir}: built`, () => {
        throw new Error(`${path.relative(ROOT, file)} is missing: run npm run build:all first`)
      })
      continue
    }
    const { needed, glibc, highest } = linkage(file)
    const size = `${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MiB, needs ${needed.join(' ')}`
    if (target.libc === 'glibc') {
      check(`${target.dir}: glibc ${GLIBC_FLOOR} at most (${size})`, () => {
        if (!highest) throw new Error('no GLIBC_ symbol versions found: not a glibc binary?')
        if (compareVersions(highest, GLIBC_FLOOR) > 0) {
          throw new Error(`needs GLIBC_${highest} (${glibc.filter((v) => compareVersions(v, GLIBC_FLOOR) > 0).join(', ')})`)
        }
        return `highest symbol version GLIBC_${highest}`
      })
    } else {
      check(`${target.dir}: links musl, nothing of glibc (${size})`, () => {
        if (glibc.length) throw new Error(`needs glibc symbol versions ${glibc.join(', ')}`)
        const foreign = needed.filter((lib) => !/^(libc\.so|libc\.musl-[\w]+\.so\.1|ld-musl-[\w]+\.so\.1)$/.test(lib))
        if (foreign.length) throw new Error(`needs ${foreign.join(', ')}, which a bare Alpine image may lack`)
        if (!needed.length) throw new Error('no dynamic libc at all: a Node addon must share the process libc')
      })
    }
    // A musl binary needs a musl Node, which no registry here has: its check is the linkage above.
    const command = target.libc === 'glibc' && nodeCommand(target.arch)
    if (!command) continue
    check(
      `${target.dir}: real calls against fakecloud under ${target.arch === process.arch ? `node ${process.version}` : `qemu-aarch64, node ${LINES[24]} arm64`}`,
      () => {
        const run = spawnSync(command[0], [...command.slice(1), SMOKE], {
          env: { ...process.env, NAPI_RS_NATIVE_LIBRARY_PATH: file },
          encoding: 'utf8',
          timeout: 10 * 60_000,
        })
        const lines = `${run.stdout}${run.stderr}`.trim()
        if (run.status !== 0) throw new Error(`\n${lines}`)
        return lines.split('\n').pop()
      },
    )
  }
  const passed = results.filter(Boolean).length
  console.log(`${passed} passed, ${results.length - passed} failed`)
  process.exitCode = passed === results.length ? 0 : 1
}

main()
