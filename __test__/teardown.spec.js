'use strict'

// Workers torn down in every way while a burst of answers is delivered to them, with the main
// thread using the addon too (__test__/teardown/run.js, in a process of its own): the process
// survives hundreds of teardowns and the main thread still makes calls afterwards.

const test = require('ava')
const { spawnSync } = require('node:child_process')
const path = require('node:path')

test('200 worker teardowns (terminate, process.exit in a callback and from a timer, a throwing callback) with answers in flight', (t) => {
  const out = spawnSync(process.execPath, [path.join(__dirname, 'teardown', 'run.js')], {
    encoding: 'utf8',
    env: { ...process.env, ROUNDS: '200' },
    timeout: 110_000, // only a guard against a hang
  })
  t.is(out.signal, null, `the process died: ${out.signal}\n${out.stderr.slice(-2000)}`)
  t.is(out.status, 0, out.stderr.slice(-2000))
  t.is(out.stdout.trim(), 'survived 200')
})
