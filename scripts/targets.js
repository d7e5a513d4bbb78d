'use strict'

// The build targets, read from package.json's `napi.targets` (the one list napi-rs itself uses),
// with what this project needs to know of each: its npm/ folder, and how a Linux machine builds
// and checks it.

const pkg = require('../package.json')

/** The oldest glibc the gnu binaries may need: that of the napi-rs template, RHEL/CentOS 7 and Amazon Linux 2. */
const GLIBC_FLOOR = '2.17'

const ARCH = { x86_64: 'x64', aarch64: 'arm64' }
const PLATFORM = { linux: 'linux', darwin: 'darwin', windows: 'win32' }

function describe(triple) {
  const [cpu, , sys, abi] = triple.split('-')
  const platform = PLATFORM[sys]
  const arch = ARCH[cpu]
  const dir = [platform, arch, abi === 'gnu' || abi === 'musl' || abi === 'msvc' ? abi : null].filter(Boolean).join('-')
  return {
    triple,
    dir,
    platform,
    arch,
    libc: platform === 'linux' ? (abi === 'musl' ? 'musl' : 'glibc') : null,
    /** What `napi build --target` gets: cargo-zigbuild reads a `.2.17` suffix as the glibc to link against. */
    buildTarget: abi === 'gnu' && platform === 'linux' ? `${triple}.${GLIBC_FLOOR}` : triple,
    /** The binary's file name, as `napi build --platform` writes it. */
    file: `${pkg.napi.binaryName}.${dir}.node`,
  }
}

const path = require('node:path')
const ROOT = path.join(__dirname, '..')

/** Where `npm run build:all` writes a target's binary: its npm/ package, or, for a stand-in that no package publishes, target/stand-ins/. */
const outputOf = (target) =>
  target.standsFor ? path.join(ROOT, 'target', 'stand-ins', target.file) : path.join(ROOT, 'npm', target.dir, target.file)

/**
 * The oldest macOS each binary loads on (LC_BUILD_VERSION's minos), set through
 * MACOSX_DEPLOYMENT_TARGET here and in the release workflow: Node 20's own floor on Intel, and
 * the first macOS of Apple silicon.
 */
const MACOS_FLOOR = { x64: '10.15', arm64: '11.0' }

/** The release runner that builds and tests each target's binary on its own OS. */
const RUNNER = { linux: 'ubuntu-latest', darwin: { x64: 'macos-13', arm64: 'macos-14' }, win32: 'windows-latest' }

const TARGETS = pkg.napi.targets.map(describe)
/** The targets this Linux machine links itself (zig as the cross linker) and runs. */
const LINUX_TARGETS = TARGETS.filter((t) => t.platform === 'linux')

/**
 * What this Linux machine builds of the other targets: the macOS ones themselves (zig, with
 * framework stubs: scripts/macos-frameworks.js); for Windows MSVC, whose C runtime and linker
 * no registry here has, `x86_64-pc-windows-gnu` as a stand-in that compiles the same
 * `cfg(windows)` code, links with zig, and loads in the real Windows Node under Wine.
 */
const FOREIGN_TARGETS = TARGETS.filter((t) => t.platform !== 'linux').map((t) =>
  t.platform === 'win32' ? { ...describe(t.triple.replace('-msvc', '-gnu')), standsFor: t.dir } : t,
)

/**
 * The release workflow's matrices, from the same list (`node scripts/targets.js --matrix`):
 * `build`, every target on a runner of its OS; `test`, those a runner runs natively (the other
 * Linux ones are tested as .ci/run tests them, under qemu or by their linkage).
 */
function matrix() {
  const build = TARGETS.map((t) => {
    const host = t.platform === 'darwin' ? RUNNER.darwin[t.arch] : RUNNER[t.platform]
    return { host, target: t.triple, dir: t.dir, macos: t.platform === 'darwin' ? MACOS_FLOOR[t.arch] : '' }
  })
  const test = build.filter((b) => !b.target.includes('-linux-') || b.dir === 'linux-x64-gnu').map(({ host, dir }) => ({ host, dir }))
  return { build, test }
}

if (require.main === module) {
  const [what] = process.argv.slice(2)
  if (what === '--matrix') for (const [name, list] of Object.entries(matrix())) console.log(`${name}=${JSON.stringify(list)}`)
  else if (what === '--linux') console.log(LINUX_TARGETS.map((t) => t.dir).join(' '))
  else if (what === '--foreign') console.log(FOREIGN_TARGETS.map((t) => t.dir).join(' '))
  else throw new Error('scripts/targets.js takes --matrix, --linux or --foreign')
}

module.exports = { GLIBC_FLOOR, MACOS_FLOOR, TARGETS, LINUX_TARGETS, FOREIGN_TARGETS, outputOf }
