'use strict'

// LLVM's object-file tools (llvm-objdump, llvm-readobj), from the Rust toolchain's llvm-tools
// component: they read Mach-O and PE binaries on Linux, which binutils does not.

const { execFileSync, spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

let bin

/** The folder of the toolchain's LLVM tools, installing the component the first time. */
function toolsDir() {
  if (bin) return bin
  const sysroot = execFileSync('rustc', ['--print', 'sysroot'], { encoding: 'utf8' }).trim()
  const host = /host: (\S+)/.exec(execFileSync('rustc', ['-vV'], { encoding: 'utf8' }))[1]
  bin = path.join(sysroot, 'lib', 'rustlib', host, 'bin')
  if (!fs.existsSync(path.join(bin, 'llvm-objdump'))) {
    execFileSync('rustup', ['component', 'add', 'llvm-tools'], { stdio: 'inherit' })
  }
  return bin
}

/** Runs an LLVM tool; its stdout. */
function llvmTool(name, args) {
  const run = spawnSync(path.join(toolsDir(), name), args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
  if (run.status !== 0) throw new Error(`${name} ${args.join(' ')} failed: ${run.stderr}`)
  return run.stdout
}

module.exports = { llvmTool }
