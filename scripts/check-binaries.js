'use strict'

// `npm run test:binaries [dir...]`: proves each binary that `npm run build:all` left in npm/: its
// size; for gnu binaries, that no symbol version above the glibc floor is needed; for musl
// binaries, that nothing of glibc is linked; for macOS binaries, the CPU, the oldest macOS, the
// exported module entry point and that it loads no library a Mac lacks; for the Windows stand-in,
// the entry point and that it imports only Windows' own DLLs. Then real calls against fakecloud
// (__test__/binaries/smoke.js): the x64 Linux ones with the Node on PATH, the arm64 gnu one with
// the official arm64 Node under qemu-user, the Windows stand-in with the official Windows Node
// under Wine. Ends with `N passed, N failed`.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { GLIBC_FLOOR, MACOS_FLOOR, LINUX_TARGETS, FOREIGN_TARGETS, outputOf } = require('./targets.js')
const { LINES, WINDOWS_NODE, ensureNode } = require('./nodes.js')
const { llvmTool } = require('./llvm-tools.js')
const { FRAMEWORKS, flatSymbols } = require('./macos-frameworks.js')

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

/** What every Mac has: libSystem, libiconv (Rust's std links it) and the two frameworks. */
const MACOS_LIBRARIES = new Set([
  '/usr/lib/libSystem.B.dylib',
  '/usr/lib/libiconv.2.dylib',
  '/usr/lib/libcharset.1.dylib',
  ...Object.keys(FRAMEWORKS).map((f) => `/System/Library/Frameworks/${f}.framework/Versions/A/${f}`),
])
const MACHO_CPU = { x64: 'X86_64', arm64: 'ARM64' }

/** A macOS binary's CPU, oldest macOS, loaded libraries and entry point, read by llvm-objdump. */
function checkMacos(target, file, check) {
  const headers = llvmTool('llvm-objdump', ['--macho', '--private-headers', file])
  const cpu = /MH_MAGIC_64\s+(\S+)/.exec(headers)?.[1]
  const minos = /LC_BUILD_VERSION[\s\S]*?minos (\S+)/.exec(headers)?.[1]
  const libraries = [...headers.matchAll(/cmd LC_LOAD_DYLIB\n.*\n\s+name (\S+)/g)].map((m) => m[1])
  check(`${target.dir}: a ${cpu} Mach-O for macOS ${minos}+, loading only what every Mac has`, () => {
    if (cpu !== MACHO_CPU[target.arch]) throw new Error(`CPU ${cpu}, not ${MACHO_CPU[target.arch]}`)
    if (minos !== MACOS_FLOOR[target.arch]) throw new Error(`minos ${minos}, not ${MACOS_FLOOR[target.arch]}`)
    const foreign = libraries.filter((lib) => !MACOS_LIBRARIES.has(lib))
    if (foreign.length) throw new Error(`loads ${foreign.join(', ')}`)
    return libraries.map((lib) => path.basename(lib)).join(' ')
  })
  check(`${target.dir}: exports napi_register_module_v1; binds every symbol to its library`, () => {
    if (!/ T _napi_register_module_v1$/m.test(llvmTool('llvm-nm', ['-gU', file]))) throw new Error('no _napi_register_module_v1')
    // N-API is not linked: the addon finds it in the process with dlsym when it loads.
    const flat = [...flatSymbols(file)]
    if (flat.length) throw new Error(`looked up flat, bound to no library: ${flat.slice(0, 10).join(', ')}`)
    return 'no flat-namespace lookup'
  })
}

/** Windows' own DLLs (and its API sets): an addon that needs another (a MinGW runtime) fails to load. */
const WINDOWS_DLL =
  /^(kernel32|ntdll|ws2_32|bcrypt|advapi32|userenv|crypt32|secur32|bcryptprimitives|ncrypt|ole32|oleaut32|shell32|user32|msvcrt|ucrtbase|api-ms-win-[\w-]+)\.dll$/i

/** The Windows stand-in's entry point and imports, read by llvm-readobj. */
function checkWindows(target, file, check) {
  check(`${target.dir} (stands for ${target.standsFor}): exports napi_register_module_v1, imports only Windows' own DLLs`, () => {
    const exports = llvmTool('llvm-readobj', ['--coff-exports', file])
    if (!/Name: napi_register_module_v1$/m.test(exports)) throw new Error('no napi_register_module_v1 export')
    const dlls = [...new Set([...llvmTool('llvm-readobj', ['--coff-imports', file]).matchAll(/Name: (\S+\.dll)/gi)].map((m) => m[1]))]
    const foreign = dlls.filter((dll) => !WINDOWS_DLL.test(dll))
    if (foreign.length) throw new Error(`imports ${foreign.join(', ')}`)
    return dlls.join(' ')
  })
}

/**
 * A Wine prefix for the official Windows Node: set to report Windows 10 (Node refuses Wine's
 * default, Windows 7), with what Wine 8 lacks of Windows 10 built into it once
 * (scripts/wine/bcryptprimitives.c, by zig).
 */
function winePrefix(wine, node) {
  const prefix = path.join(path.dirname(path.dirname(path.dirname(node))), 'wine-prefix')
  const env = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all' }
  const shim = path.join(prefix, 'drive_c', 'windows', 'system32', 'bcryptprimitives.dll')
  if (!fs.existsSync(shim)) {
    spawnSync(wine, ['winecfg', '-v', 'win10'], { env, stdio: 'ignore', timeout: 300_000 })
    const source = path.join(__dirname, 'wine', 'bcryptprimitives.c')
    const zig = spawnSync(
      'python3',
      ['-m', 'ziglang', 'cc', '-target', 'x86_64-windows-gnu', '-shared', '-O2', '-o', shim, source, '-lbcrypt'],
      { encoding: 'utf8' },
    )
    if (zig.status !== 0) throw new Error(`could not build the Wine shim: ${zig.stderr}`)
  }
  return env
}

/** The Windows stand-in's real calls: the official Windows Node under Wine, output through a file (Wine gives Node no usable pipe). */
function wineSmoke(file) {
  const wine = ['/usr/lib/wine/wine64', '/usr/bin/wine64'].find((p) => fs.existsSync(p))
  if (!wine) throw new Error('Wine is not installed (Debian: wine64)')
  const node = ensureNode(WINDOWS_NODE, 'x64', 'win')
  const env = { ...winePrefix(wine, node), NAPI_RS_NATIVE_LIBRARY_PATH: `Z:${file.replaceAll('/', '\\')}` }
  const out = path.join(env.WINEPREFIX, `smoke-${process.pid}.log`)
  const fd = fs.openSync(out, 'w')
  const run = spawnSync(wine, [node, SMOKE], { env, cwd: ROOT, stdio: ['ignore', fd, fd], timeout: 10 * 60_000 })
  fs.closeSync(fd)
  const lines = fs.readFileSync(out, 'utf8').trim()
  fs.rmSync(out, { force: true })
  if (run.status !== 0) throw new Error(`\n${lines}`)
  return lines.split('\n').pop()
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
  // Unnamed, the Linux binaries (the release workflow's check of its Linux artifacts); the macOS
  // ones and the Windows stand-in when named (.ci/run names what it built).
  const targets = only.length ? [...LINUX_TARGETS, ...FOREIGN_TARGETS].filter((t) => only.includes(t.dir)) : LINUX_TARGETS
  for (const target of targets) {
    const file = outputOf(target)
    if (!fs.existsSync(file)) {
      check(`${target.dir}: built`, () => {
        throw new Error(`${path.relative(ROOT, file)} is missing: run npm run build:all first`)
      })
      continue
    }
    if (target.platform === 'darwin') {
      checkMacos(target, file, check)
      continue
    }
    if (target.platform === 'win32') {
      checkWindows(target, file, check)
      check(`${target.dir}: real calls against fakecloud under Wine, Windows node ${WINDOWS_NODE}`, () => wineSmoke(file))
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
