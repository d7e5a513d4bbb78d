'use strict'

// Workers torn down in every way while a burst of answers is delivered to them, with the main
// thread using the addon too (__test__/teardown/run.js, in a process of its own): the process
// survives hundreds of teardowns and the main thread still makes calls afterwards.

const test = require('ava')
const { execFile } = require('node:child_process')
const path = require('node:path')

test('200 worker teardowns (terminate, process.exit in a callback and from a timer, a throwing callback) with answers in flight', async (t) => {
  const out = await new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [path.join(__dirname, 'teardown', 'run.js')],
      {
        env: { ...process.env, ROUNDS: '200' },
        timeout: 300_000, // only a guard: run.js names a round that stalls
      },
      (error, stdout, stderr) => resolve({ signal: child.signalCode, status: child.exitCode, stdout, stderr, error }),
    )
  })
  t.is(out.signal, null, `the process died: ${out.signal}\n${out.stderr.slice(-2000)}`)
  t.is(out.status, 0, out.stderr.slice(-2000))
  t.is(out.stdout.trim(), 'survived 200')
})
