'use strict'

// `npm run test:node-matrix`: the e2e suite (ava, then the Jest check) under each current Node
// line from scripts/nodes.js, one after the other, against the fakecloud that with-fakecloud.js
// started. `npm test` keeps using the Node on PATH. Ends with `N passed, N failed` (lines).

const { spawnSync } = require('node:child_process')
const path = require('node:path')
const { LINES, ensureNode } = require('./nodes.js')

const ROOT = path.join(__dirname, '..')
const BIN = path.join(ROOT, 'node_modules', '.bin')

function main() {
  const lines = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(LINES)
  let passed = 0
  for (const line of lines) {
    const node = ensureNode(LINES[line] || line)
    // The runners' `#!/usr/bin/env node` and every process they fork pick this Node.
    const env = { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}` }
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()
    console.log(`\n== e2e suite on Node ${version}`)
    const started = Date.now()
    const ok = [[path.join(BIN, 'ava')], [path.join(BIN, 'jest'), '--config', 'jest.config.js']].every(
      ([cmd, ...args]) => spawnSync(cmd, args, { cwd: ROOT, env, stdio: 'inherit' }).status === 0,
    )
    console.log(`${ok ? 'ok' : 'not ok'} - e2e suite on Node ${version} (${Math.round((Date.now() - started) / 1000)} s)`)
    if (ok) passed += 1
  }
  console.log(`${passed} passed, ${lines.length - passed} failed`)
  process.exitCode = passed === lines.length ? 0 : 1
}

main()
