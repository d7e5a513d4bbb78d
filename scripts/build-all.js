'use strict'

// `npm run build:all [dir...]`: release builds of every Linux target (or the npm/ folders named),
// each cross-compiled with `napi build -x` (cargo-zigbuild, zig from PyPI as the linker), the gnu
// ones against glibc 2.17, each binary written into its npm/<platform> folder as `napi artifacts`
// would place it. macOS and Windows binaries come from the release workflow.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { LINUX_TARGETS } = require('./targets.js')

const ROOT = path.join(__dirname, '..')
const NAPI = path.join(ROOT, 'node_modules', '.bin', 'napi')
/** napi writes the type definitions on every build; the platform folders keep only the binary. */
const SCRATCH_DTS = '.build-all.d.ts'

function build(target) {
  const outDir = path.join(ROOT, 'npm', target.dir)
  const args = ['build', '--platform', '--release', '--cross-compile', '--target', target.buildTarget]
  args.push('--output-dir', outDir, '--no-js', '--dts', SCRATCH_DTS)
  const started = Date.now()
  const result = spawnSync(NAPI, args, { cwd: ROOT, stdio: 'inherit' })
  fs.rmSync(path.join(outDir, SCRATCH_DTS), { force: true })
  const file = path.join(outDir, target.file)
  if (result.status !== 0 || !fs.existsSync(file)) throw new Error(`napi build for ${target.buildTarget} failed`)
  const seconds = Math.round((Date.now() - started) / 1000)
  console.error(`built ${path.relative(ROOT, file)} (${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MiB) in ${seconds} s`)
}

const only = process.argv.slice(2)
const unknown = only.filter((dir) => !LINUX_TARGETS.some((t) => t.dir === dir))
if (unknown.length) throw new Error(`not a Linux target of package.json: ${unknown.join(', ')}`)
for (const target of LINUX_TARGETS.filter((t) => only.length === 0 || only.includes(t.dir))) build(target)
