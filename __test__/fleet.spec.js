'use strict'

// The fleet: four Node processes sharing one real Redis serve concurrent requests of the same
// users as their access tokens reach the refresh margin, on a client with refresh token rotation
// (no grace period: a refresh token works once). Counted on the wire through a recording proxy:
// exactly one GetTokensFromRefreshToken per session per rotation, every request answered, every
// session still working afterwards. Then the same within one process and its memory store.
//
// As in sessions.spec.js, refreshMargin 297 s on 300 s tokens stands in for "just expired".

const { spawn } = require('node:child_process')
const path = require('node:path')
const readline = require('node:readline')
const test = require('ava')
const cognitoUserPool = require('..')
const redis = require('../scripts/redis.js')
const { URL, createPool, confirmedUser, recordingProxy, PASSWORD, shortLivedRotatingClient } = require('./helpers')
const { SECRET, serve, browser } = require('./session-apps')

const USERS = 5
const REQUESTS_PER_USER = 12
const MARGIN = 297
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

test.before(async (t) => {
  const poolData = await createPool()
  const rotatingClientId = await shortLivedRotatingClient(poolData)
  t.context.proxy = await recordingProxy()
  t.context.poolData = {
    ...poolData,
    ClientId: rotatingClientId,
    endpoint: t.context.proxy.url,
    jwksUrl: `${URL}/${poolData.UserPoolId}/.well-known/jwks.json`,
  }
})

test.after.always((t) => t.context.proxy?.close())

/** Starts one worker process; resolves `{ url, stop }`. */
function worker(env) {
  const child = spawn(process.execPath, [path.join(__dirname, 'fleet-worker.js')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once('line', (url) => resolve({ url, stop: () => child.kill('SIGKILL') }))
    child.once('exit', (code) => reject(new Error(`a worker exited (${code}) before listening`)))
  })
}

/** Refreshes counted on the wire since `from`, by the refresh token each spent. */
function refreshesSince(proxy, from) {
  const spent = []
  proxy.operations.forEach((operation, i) => {
    if (i >= from && operation === 'GetTokensFromRefreshToken') spent.push(JSON.parse(proxy.bodies[i]).RefreshToken)
  })
  return spent
}

/** Signs USERS users in through the first instance, then runs two rotations of bursts across every instance. */
async function rotations(t, urls) {
  const { proxy } = t.context
  const users = []
  for (let i = 0; i < USERS; i++) {
    const user = await confirmedUser(t.context.poolData)
    const client = browser(urls[0])
    t.is((await client.request('/login', { method: 'POST', body: { username: user.username, password: PASSWORD } })).status, 200)
    users.push({ user, cookie: [...client.jar].map(([name, value]) => `${name}=${value}`).join('; ') })
  }
  for (const round of [1, 2]) {
    await sleep((300 - MARGIN) * 1000 + 100)
    const from = proxy.operations.length
    const requests = users.flatMap(({ cookie }) =>
      Array.from({ length: REQUESTS_PER_USER }, (_, i) => browser(urls[i % urls.length]).request('/me', { headers: { cookie } })),
    )
    const answers = await Promise.all(requests)
    t.deepEqual(
      answers.map((a) => a.status),
      answers.map(() => 200),
      `round ${round}: every request answered with its session`,
    )
    const spent = refreshesSince(proxy, from)
    t.is(spent.length, USERS, `round ${round}: one refresh per session`)
    t.is(new Set(spent).size, USERS, `round ${round}: each session's refresh token spent once`)
    t.log(`round ${round}: ${answers.length} requests over ${urls.length} instance(s), ${spent.length} refreshes`)
  }
  for (const [i, { cookie }] of users.entries()) {
    const profile = await browser(urls[i % urls.length]).request('/profile', { headers: { cookie } })
    t.is(profile.status, 200, 'the session works after two rotations')
  }
}

test.serial('four processes, one Redis: exactly one refresh per session per rotation', async (t) => {
  const server = await redis.start()
  t.teardown(() => server.stop())
  const env = {
    REDIS_URL: server.url,
    POOL_DATA: JSON.stringify(t.context.poolData),
    SESSION_SECRET: SECRET,
    PREFIX: 'fleet:',
    REFRESH_MARGIN: String(MARGIN),
  }
  const workers = await Promise.all(Array.from({ length: 4 }, () => worker(env)))
  t.teardown(() => workers.forEach((w) => w.stop()))
  await rotations(
    t,
    workers.map((w) => w.url),
  )
})

test.serial('one process, the memory store: exactly one refresh per session per rotation', async (t) => {
  const pool = cognitoUserPool(t.context.poolData)
  const app = await serve('express', { pool, sessions: pool.sessions({ secrets: SECRET, refreshMargin: MARGIN }) })
  t.teardown(() => app.close())
  await rotations(t, [app.url])
})
