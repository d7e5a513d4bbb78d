'use strict'

// Process life: the addon never keeps Node alive after the last call, works in worker_threads and
// with many wrappers, and process.exit during in-flight calls ends cleanly.

const test = require('ava')
const { spawnSync } = require('node:child_process')
const path = require('node:path')
const { Worker } = require('node:worker_threads')
const cognitoUserPool = require('..')
const { createPool, loggedInUser } = require('./helpers')

const PKG = JSON.stringify(path.join(__dirname, '..'))

function runScript(script, env = {}) {
  // The time limit only guards against a hang; it is no speed assertion.
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30000, env: { ...process.env, ...env } })
}

test.before(async (t) => {
  t.context.poolData = await createPool()
  t.context.user = await loggedInUser(t.context.poolData)
})

test('a script that makes calls exits by itself once they are done', (t) => {
  const out = runScript(
    `const pool = require(${PKG})(JSON.parse(process.env.POOL))
     const user = JSON.parse(process.env.USER_AUTH)
     Promise.all([pool.profile(user), pool.login({ username: user.username, password: process.env.PASSWORD })])
       .then(([profile, tokens]) => console.log('done', profile.length > 0, !!tokens.accessToken))`,
    { POOL: JSON.stringify(t.context.poolData), USER_AUTH: JSON.stringify(t.context.user.auth), PASSWORD: t.context.user.password },
  )
  t.is(out.error, undefined, 'the process exited before the guard')
  t.is(out.status, 0, out.stderr)
  t.is(out.stdout.trim(), 'done true true')
})

test('process.exit during in-flight calls ends cleanly, without a crash report', (t) => {
  const out = runScript(
    `const pool = require(${PKG})(JSON.parse(process.env.POOL))
     for (let i = 0; i < 20; i++) pool.login({ username: 'nobody' + i, password: 'Some-Pass-1!' }, () => {})
     setTimeout(() => process.exit(0), 5)`,
    { POOL: JSON.stringify(t.context.poolData) },
  )
  t.is(out.signal, null)
  t.is(out.status, 0)
  t.is(out.stderr, '')
})

test('works inside worker_threads, beside the main thread', async (t) => {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads')
     const pool = require(${PKG})(workerData.poolData)
     pool.profile(workerData.auth, (err, profile) => parentPort.postMessage(err ? err.code : profile.find((a) => a.Name === 'email').Value))`,
    { eval: true, workerData: { poolData: t.context.poolData, auth: t.context.user.auth } },
  )
  const [fromWorker, fromMain] = await Promise.all([
    new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject)),
    cognitoUserPool(t.context.poolData).profile(t.context.user.auth),
  ])
  await worker.terminate()
  t.is(fromWorker, t.context.user.email)
  t.is(fromMain.find((a) => a.Name === 'email').Value, t.context.user.email)
})

test('many wrappers in one process share the client and all answer', async (t) => {
  const pools = Array.from({ length: 200 }, () => cognitoUserPool(t.context.poolData))
  const profiles = await Promise.all(pools.map((p) => p.profile(t.context.user.auth)))
  t.is(profiles.length, 200)
  for (const profile of profiles) t.is(profile.find((a) => a.Name === 'email').Value, t.context.user.email)
})
