'use strict'

// Programs the tests need from Debian's packages (redis-server for the session stores, chromium
// for the browser test): found where Debian puts them, or installed with apt-get before the tests
// run (`npm test`'s pretest) when this user may (root, as on CI), so that `npm test` on a fresh
// clone needs nothing installed by hand.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')

/** Each package, by the path of the program a test runs (an environment variable may name another). */
const PROGRAMS = {
  'redis-server': () => process.env.REDIS_SERVER_BIN || '/usr/bin/redis-server',
  chromium: () => process.env.CHROMIUM_BIN || '/usr/bin/chromium',
}

/** The program of Debian's `pkg`, or an error that says how to get it. */
function program(pkg) {
  const bin = PROGRAMS[pkg]()
  if (fs.existsSync(bin)) return bin
  throw new Error(`${bin} is not there: run \`node scripts/debian.js\` as root, or install Debian's ${pkg}`)
}

/** Installs, in one apt-get run, every package whose program is missing. */
function installMissing({ log = console.error } = {}) {
  const missing = Object.keys(PROGRAMS).filter((pkg) => !fs.existsSync(PROGRAMS[pkg]()))
  if (missing.length === 0) return
  if (process.getuid?.() !== 0 || !fs.existsSync('/usr/bin/apt-get')) {
    log(`Not installed, and not root to install them: ${missing.join(', ')} (their tests will fail until they are)`)
    return
  }
  log(`Installing Debian's ${missing.join(', ')} (apt-get), once...`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  const result = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env })
  if (result.status !== 0) throw new Error(`apt-get install ${missing.join(' ')} exited with ${result.status}`)
}

module.exports = { program, installMissing }

if (require.main === module) installMissing()
