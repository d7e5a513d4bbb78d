'use strict'

// `npm run build:all [dir...]`: release builds of every target of package.json's napi.targets that
// this Linux machine can build (or the folders named), each written into its npm/<dir> folder as
// `napi artifacts` would place it. Linux: `napi build -x` (cargo-zigbuild, zig from PyPI as the
// linker), the gnu ones against glibc 2.17. macOS: the same, linked against framework stubs
// (scripts/macos-frameworks.js) for the oldest macOS of each CPU. Windows: the MSVC target needs
// Microsoft's C runtime and linker, which no registry here has; its stand-in
// `x86_64-pc-windows-gnu` (`win32-x64-gnu`, cargo-zigbuild, written to target/stand-ins/: no
// package publishes it) compiles the same `cfg(windows)` code and is what
// scripts/check-binaries.js loads under Wine. The published MSVC binary and the
// proof on real macOS come from the release workflow.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { LINUX_TARGETS, FOREIGN_TARGETS, MACOS_FLOOR, outputOf } = require('./targets.js')
const frameworks = require('./macos-frameworks.js')

const ROOT = path.join(__dirname, '..')
const NAPI = path.join(ROOT, 'node_modules', '.bin', 'napi')
const TARGET_DIR = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target')
/** napi writes the type definitions on every build; the platform folders keep only the binary. */
const SCRATCH_DTS = '.build-all.d.ts'

function run(command, args, env) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } })
  if (result.status !== 0) throw new Error(`${path.basename(command)} ${args.join(' ')} failed`)
}

/** `napi build -x` of a Linux or macOS target into its npm/ folder. */
function napiBuild(target, env) {
  const outDir = path.dirname(outputOf(target))
  const args = ['build', '--platform', '--release', '--cross-compile', '--target', target.buildTarget]
  try {
    run(NAPI, [...args, '--output-dir', outDir, '--no-js', '--dts', SCRATCH_DTS], env)
  } finally {
    fs.rmSync(path.join(outDir, SCRATCH_DTS), { force: true })
  }
}

/** A macOS binary, linked again when its first link taught the stubs new symbols. */
function macosBuild(target) {
  const env = {
    [`CARGO_TARGET_${target.triple.toUpperCase().replaceAll('-', '_')}_RUSTFLAGS`]: frameworks.ensureStubs(),
    MACOSX_DEPLOYMENT_TARGET: MACOS_FLOOR[target.arch],
  }
  napiBuild(target, env)
  if (!frameworks.learnFrom(outputOf(target))) return
  // The stubs changed, which cargo does not see: its output gone, the crate is linked again.
  fs.rmSync(path.join(TARGET_DIR, target.triple, 'release', 'deps', 'libcognito_user_pool.dylib'), { force: true })
  napiBuild(target, env)
  if (frameworks.learnFrom(outputOf(target))) throw new Error(`${target.dir}: symbols still looked up flat after a link against the stubs`)
}

/**
 * What napi-build asks of a windows-gnu build: a `libnode.dll` to be found in LIBNODE_PATH and a
 * `node` library to link. The addon resolves N-API in the process when it loads (the
 * `dyn-symbols` feature, Cargo.toml), so it imports nothing from either: an import library of
 * node.exe made by zig's dlltool, and an empty marker, satisfy both.
 */
function libnode() {
  const dir = path.join(TARGET_DIR, 'libnode')
  if (fs.existsSync(path.join(dir, 'libnode.a'))) return dir
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'node.def'), 'LIBRARY node.exe\nEXPORTS\n  napi_module_register\n')
  run('python3', ['-m', 'ziglang', 'dlltool', '-d', path.join(dir, 'node.def'), '-l', path.join(dir, 'libnode.a'), '-m', 'i386:x86-64'])
  fs.writeFileSync(path.join(dir, 'libnode.dll'), '')
  return dir
}

/** The Windows stand-in, by cargo-zigbuild (napi's -x routes Windows to cargo-xwin, MSVC only). */
function windowsStandIn(target) {
  run('cargo', ['zigbuild', '--release', '--lib', '--target', target.triple], { LIBNODE_PATH: libnode() })
  fs.mkdirSync(path.dirname(outputOf(target)), { recursive: true })
  fs.copyFileSync(path.join(TARGET_DIR, target.triple, 'release', 'cognito_user_pool.dll'), outputOf(target))
}

function build(target) {
  const started = Date.now()
  if (target.platform === 'darwin') macosBuild(target)
  else if (target.platform === 'win32') windowsStandIn(target)
  else napiBuild(target, {})
  const file = outputOf(target)
  if (!fs.existsSync(file)) throw new Error(`the build for ${target.triple} left no ${path.relative(ROOT, file)}`)
  const seconds = Math.round((Date.now() - started) / 1000)
  console.error(`built ${path.relative(ROOT, file)} (${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MiB) in ${seconds} s`)
}

const ALL = [...LINUX_TARGETS, ...FOREIGN_TARGETS]
const only = process.argv.slice(2)
const unknown = only.filter((dir) => !ALL.some((t) => t.dir === dir))
if (unknown.length) throw new Error(`not a target this machine builds: ${unknown.join(', ')} (one of ${ALL.map((t) => t.dir).join(', ')})`)
for (const target of ALL.filter((t) => only.length === 0 || only.includes(t.dir))) build(target)
