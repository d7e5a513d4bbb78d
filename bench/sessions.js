'use strict'

// `npm run bench:sessions` (or `node bench/sessions.js [--quick]` after `npm run build`): the
// per-request cost of a session (cookie -> session -> verified claims), this package with its
// memory, cookie-only and Redis stores, beside express-session (its MemoryStore, or Redis through
// connect-redis's way of storing: a JSON string under the session id) plus aws-jwt-verify doing
// the same by hand. 1,000 users, each signed in once, their requests in a fixed shuffled order,
// as a backend sees them; tokens far from expiry (no refresh in the figure). Each figure is one
// fresh process that warms up for WARM requests, then measures COUNT; implementations alternate,
// ROUNDS of each; the table gives the median and spread (min-max) of CPU µs per request and
// requests/s. Redis is a real redis-server on a loopback port (scripts/redis.js), so its figures
// include the round trip. Writes bench/results/sessions.json.

const crypto = require('node:crypto')
const fs = require('node:fs')
const http = require('node:http')
const os = require('node:os')
const path = require('node:path')
const { inFreshProcess, machine: describeMachine, median, spread, timed } = require('./fresh.js')

const QUICK = process.argv.includes('--quick')
const ROUNDS = QUICK ? 3 : 7
const WARM = QUICK ? 3000 : 20000
const COUNT = QUICK ? 3000 : 20000
const USERS = 1000
const POOL = 'us-east-1_Bench1'
const ISS = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`
const CLIENT = 'bench-client'
const SECRET = 'a-bench-secret-that-is-long-enough-000'
const HOST = '127.0.0.1'
const TOKENS_FILE = path.join(os.tmpdir(), `cognito-user-pool-bench-sessions-${process.pid}.json`)

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** An RS256 key, its JWKS, and each user's tokens (as a login resolves them), made once per run. */
function makeTokens() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  const kid = 'sessions-bench'
  const exp = Math.floor(Date.now() / 1000) + 3 * 3600
  const sign = (claims) => {
    const input = `${b64({ alg: 'RS256', kid })}.${b64(claims)}`
    return `${input}.${crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
  }
  const users = Array.from({ length: USERS }, (_, n) => ({
    accessToken: sign({
      iss: ISS,
      token_use: 'access',
      client_id: CLIENT,
      sub: `sub-${n}`,
      username: `user-${n}`,
      scope: 'aws.cognito.signin.user.admin',
      exp,
      jti: crypto.randomUUID(),
    }),
    idToken: sign({
      iss: ISS,
      token_use: 'id',
      aud: CLIENT,
      sub: `sub-${n}`,
      'cognito:username': `user-${n}`,
      email: `user-${n}@example.com`,
      exp,
      jti: crypto.randomUUID(),
    }),
    refreshToken: crypto.randomBytes(1200).toString('base64url'),
  }))
  return { jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] }, users }
}

/** The JWKS on a loopback port, for the pool's verifier (fetched once, in the warm-up). */
async function serveJwks(jwks) {
  const server = http.createServer((req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(jwks)))
  await new Promise((resolve) => server.listen(0, HOST, resolve))
  server.unref()
  return `http://${HOST}:${server.address().port}/jwks.json`
}

async function redisClient() {
  const { createClient } = require('redis')
  const client = createClient({ url: process.env.BENCH_REDIS })
  await client.connect()
  return client
}

/** This package: sessions started for every user, then `read` per request. */
async function native(data, store) {
  const cognitoUserPool = require('..')
  const pool = cognitoUserPool({ UserPoolId: POOL, ClientId: CLIENT, jwksUrl: await serveJwks(data.jwks) })
  const sessions = pool.sessions({ secrets: SECRET, store })
  const cookies = []
  for (const tokens of data.users) {
    const { setCookie } = await sessions.start(tokens, { host: HOST })
    cookies.push(setCookie.map((line) => line.split(';')[0]).join('; '))
  }
  const read = async (cookie) => (await sessions.read({ cookie, host: HOST })).session.claims
  return { read, cookies }
}

/**
 * The baseline: express-session's middleware reading the session (its signed cookie, its store)
 * and aws-jwt-verify verifying the access token kept in it, as an app writes it by hand.
 */
async function baseline(data, redis) {
  const session = require('express-session')
  const signature = require('cookie-signature')
  const { CognitoJwtVerifier } = require('aws-jwt-verify')
  const store = redis ? await redisSessionStore(session) : new session.MemoryStore()
  const middleware = session({
    secret: SECRET,
    store,
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax' },
  })
  const verifier = CognitoJwtVerifier.create({ userPoolId: POOL, tokenUse: 'access', clientId: CLIENT })
  verifier.cacheJwks(data.jwks)
  const cookies = []
  for (const [n, tokens] of data.users.entries()) {
    const sid = crypto.randomBytes(24).toString('base64url')
    const record = {
      cookie: {
        originalMaxAge: 30 * 86400 * 1000,
        expires: new Date(Date.now() + 30 * 86400 * 1000),
        httpOnly: true,
        path: '/',
        sameSite: 'lax',
      },
      username: `user-${n}`,
      ...tokens,
    }
    await new Promise((resolve, reject) => store.set(sid, record, (err) => (err ? reject(err) : resolve())))
    cookies.push(`connect.sid=${encodeURIComponent(`s:${signature.sign(sid, SECRET)}`)}`)
  }
  const res = { getHeader() {}, setHeader() {}, writeHead() {}, end() {}, on() {} }
  const read = async (cookie) => {
    const req = { headers: { cookie }, url: '/', originalUrl: '/', method: 'GET', connection: {}, socket: {} }
    await new Promise((resolve, reject) => middleware(req, res, (err) => (err ? reject(err) : resolve())))
    return verifier.verify(req.session.accessToken)
  }
  return { read, cookies }
}

/** A store for express-session in Redis as connect-redis keeps it: the session as JSON under `sess:<id>`. */
async function redisSessionStore(session) {
  const client = await redisClient()
  class RedisStore extends session.Store {
    get(sid, cb) {
      client.get(`sess:${sid}`).then((text) => cb(null, text ? JSON.parse(text) : null), cb)
    }
    set(sid, value, cb) {
      client.set(`sess:${sid}`, JSON.stringify(value), { PX: 86400 * 1000 }).then(() => cb(null), cb)
    }
    destroy(sid, cb) {
      client.del(`sess:${sid}`).then(() => cb(null), cb)
    }
  }
  return new RedisStore()
}

const IMPLS = {
  memory: { label: 'this package, memory store', make: (data) => native(data, 'memory') },
  cookie: { label: 'this package, cookie-only', make: (data) => native(data, 'cookie') },
  redis: {
    label: 'this package, Redis',
    make: async (data) => native(data, require('..').redisStore(await redisClient(), { prefix: `bench:${process.pid}:` })),
  },
  'express-session': { label: 'express-session + aws-jwt-verify, memory', make: (data) => baseline(data, false) },
  'express-session-redis': { label: 'express-session + aws-jwt-verify, Redis', make: (data) => baseline(data, true) },
}

async function worker(impl) {
  const data = JSON.parse(fs.readFileSync(process.env.BENCH_TOKENS, 'utf8'))
  const { read, cookies } = await IMPLS[impl].make(data)
  // Every request of the run has its session, so a miss is a bench bug, not a figure.
  for (const n of [0, USERS - 1]) {
    if ((await read(cookies[n])).sub !== `sub-${n}`) throw new Error(`${impl}: the session of user ${n} did not read back`)
  }
  const result = await timed((i) => read(cookies[(i * 7919) % USERS]), WARM, COUNT)
  process.stdout.write(`${JSON.stringify(result)}\n`)
  process.exit(0)
}

async function main() {
  const redis = await require('../scripts/redis.js').start()
  fs.writeFileSync(TOKENS_FILE, JSON.stringify(makeTokens()))
  process.env.BENCH_TOKENS = TOKENS_FILE
  process.env.BENCH_REDIS = redis.url
  try {
    const runs = {}
    for (let round = 0; round < ROUNDS; round++) {
      for (const impl of Object.keys(IMPLS)) {
        ;(runs[impl] ||= []).push(inFreshProcess(__filename, [impl, ...(QUICK ? ['--quick'] : [])]))
      }
    }
    const machine = describeMachine()
    console.log(
      `Per-request session cost (cookie -> session -> verified claims), ${USERS} users, ${ROUNDS} fresh processes per figure; ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}\n`,
    )
    console.log('| implementation | CPU µs per request (spread) | requests/s (spread) |')
    console.log('|---|---|---|')
    const results = {}
    for (const [impl, { label }] of Object.entries(IMPLS)) {
      const cpu = runs[impl].map((r) => r.cpuMicros)
      const rate = runs[impl].map((r) => r.perSecond)
      results[impl] = {
        label,
        cpuMicros: median(cpu),
        cpuSpread: spread(cpu),
        perSecond: Math.round(median(rate)),
        perSecondSpread: spread(rate.map((x) => x / 1000)) + 'k',
      }
      console.log(
        `| ${label} | ${median(cpu).toFixed(1)} (${spread(cpu)}) | ${Math.round(median(rate)).toLocaleString('en')} (${spread(rate.map((x) => x / 1000))}k) |`,
      )
    }
    if (!QUICK) {
      fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true })
      fs.writeFileSync(
        path.join(__dirname, 'results', 'sessions.json'),
        `${JSON.stringify({ machine, rounds: ROUNDS, warm: WARM, count: COUNT, users: USERS, results }, null, 2)}\n`,
      )
    }
  } finally {
    fs.rmSync(TOKENS_FILE, { force: true })
    redis.stop()
  }
}

if (process.argv[2] === '--worker') {
  worker(process.argv[3]).catch((err) => {
    console.error(err)
    process.exit(1)
  })
} else {
  main().catch((err) => {
    console.error(err)
    process.exitCode = 1
  })
}
