'use strict'

// Process life: the addon never keeps Node alive after the last call, works in worker_threads and
// with many wrappers, and process.exit during in-flight calls ends cleanly; its own threads run
// at a lower priority and ask for a long slice, while the Node thread is left as it was.

const test = require('ava')
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
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

/** Every thread of this process: name, nice value, and the slice the kernel reports (if any). */
function threads() {
  return fs.readdirSync('/proc/self/task').map((tid) => {
    const dir = `/proc/self/task/${tid}`
    const stat = fs.readFileSync(`${dir}/stat`, 'utf8')
    const sched = fs.existsSync(`${dir}/sched`) ? fs.readFileSync(`${dir}/sched`, 'utf8') : ''
    const slice = sched.match(/se\.slice\s*:\s*(\d+)/)
    return {
      main: Number(tid) === process.pid,
      name: fs.readFileSync(`${dir}/comm`, 'utf8').trim(),
      nice: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]),
      slice: slice ? Number(slice[1]) : null,
    }
  })
}

;(process.platform === 'linux' ? test : test.skip)(
  'after a login, the addon’s threads stand back for the Node thread, which is untouched',
  async (t) => {
    const main = threads().find((th) => th.main)
    const pool = cognitoUserPool(t.context.poolData)
    const tokens = await pool.login({ username: t.context.user.username, password: t.context.user.password })
    t.truthy(tokens.accessToken)
    const all = threads()
    const srp = all.filter((th) => th.name === 'cognito-srp')
    const rt = all.filter((th) => th.name === 'cognito-rt')
    t.true(srp.length >= 1, 'SRP threads exist')
    t.true(rt.length >= 1, 'the async worker exists')
    for (const th of srp) t.is(th.nice, Math.max(10, main.nice), 'SRP threads at nice 10')
    for (const th of rt) t.is(th.nice, main.nice, 'the async worker keeps the process priority')
    t.deepEqual(
      all.find((th) => th.main),
      main,
      'the Node thread is as it was',
    )
    // Kernels with EEVDF custom slices (6.12+) report them; older ones ignore the request.
    if (main.slice !== null && main.slice !== 10_000_000) {
      for (const th of [...srp, ...rt]) t.is(th.slice, 10_000_000, `${th.name} asks for the long slice`)
    }
  },
)
