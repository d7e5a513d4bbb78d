'use strict'

// Runs before `npm test` and `npm run demo`: on a fresh clone, installs the dev dependencies
// (the napi CLI, ava, jest) from package-lock.json, so each of those is one command.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const marker = path.join(root, 'node_modules', '.package-lock.json')
const lock = path.join(root, 'package-lock.json')

if (!fs.existsSync(marker) || fs.statSync(marker).mtimeMs < fs.statSync(lock).mtimeMs) {
  console.error('Installing the dev dependencies (npm ci)...')
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' })
  process.exit(result.status ?? 1)
}
