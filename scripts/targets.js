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
    buildTarget: abi === 'gnu' ? `${triple}.${GLIBC_FLOOR}` : triple,
    /** The binary's file name, as `napi build --platform` writes it. */
    file: `${pkg.napi.binaryName}.${dir}.node`,
  }
}

const TARGETS = pkg.napi.targets.map(describe)
/** The targets this Linux machine links itself (zig as the cross linker); the rest are built by the release workflow. */
const LINUX_TARGETS = TARGETS.filter((t) => t.platform === 'linux')

module.exports = { GLIBC_FLOOR, TARGETS, LINUX_TARGETS }
