'use strict'

// Runs before `npm test`, `npm run demo` and `npm run bench`: on a fresh clone, installs the dev
// dependencies (the napi CLI, ava, jest...) at the versions of package-lock.json, so each of those
// is one command. `npm install`, not `npm ci`: npm 11.19 refuses `ci` on a lock file it wrote itself
// when optional per-platform packages are involved.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const marker = path.join(root, 'node_modules', '.package-lock.json')
const lock = path.join(root, 'package-lock.json')

if (!fs.existsSync(marker) || fs.statSync(marker).mtimeMs < fs.statSync(lock).mtimeMs) {
  console.error('Installing the dev dependencies (npm install)...')
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const result = spawnSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' })
  process.exit(result.status ?? 1)
}
