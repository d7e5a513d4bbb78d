'use strict'

// diagnostics_channel: a subscriber to the package's TracingChannels sees, for each method call,
// verification, sessions refresh and JWKS fetch, Node's events in order (start, end, then asyncStart/asyncEnd,
// with error before them on failure), each with its context; nothing secret in any of them over a
// user's life (sign-up, sign-in, profile, refresh, failures). Against fakecloud, and servers on
// 127.0.0.1 that refuse or stall.

const dc = require('node:diagnostics_channel')
const http = require('node:http')
const { once } = require('node:events')
const { Worker } = require('node:worker_threads')
const test = require('ava')
const cognitoUserPool = require('..')
const { createVerifier } = cognitoUserPool
const { createTestIssuer } = require('cognito-user-pool/testing')
const { URL, createPool, confirmedUser, listenOnLoopback, PASSWORD, shortLivedRotatingClient } = require('./helpers')

const EVENTS = ['start', 'end', 'asyncStart', 'asyncEnd', 'error']
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
/** A token that reads as a JWT (so a call sends it) and that no server accepts. */
const JWT = `${b64({ alg: 'RS256' })}.${b64({ exp: 1 })}.sig`
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Records every event of the package's channels: `[channel, event, context snapshot]`. */
function record(t) {
  const seen = []
  const subscriptions = ['call', 'verify', 'refresh', 'jwks', 'machine-token'].map((name) => {
    const channel = dc.tracingChannel(`cognito-user-pool:${name}`)
    const handlers = Object.fromEntries(
      EVENTS.map((event) => [
        event,
        (context) => {
          const { error, result, ...rest } = context
          seen.push([
            name,
            event,
            {
              ...rest,
              ...(error ? { error: { code: error.code, message: error.message } } : {}),
              ...(result !== undefined ? { result } : {}),
            },
          ])
        },
      ]),
    )
    channel.subscribe(handlers)
    return () => channel.unsubscribe(handlers)
  })
  t.teardown(() => subscriptions.forEach((stop) => stop()))
  return seen
}

const eventsOf = (seen, channel) => seen.filter(([c]) => c === channel).map(([, event]) => event)

test.serial(
  'method calls: success, a Cognito error, bad params, a refused connection, an abort and a timeout, each with its events in order',
  async (t) => {
    const poolData = await createPool()
    const seen = record(t)
    const pool = cognitoUserPool(poolData)
    const user = await confirmedUser(poolData)
    seen.length = 0

    await pool.login({ username: user.username, password: PASSWORD })
    t.deepEqual(eventsOf(seen, 'call'), ['start', 'end', 'asyncStart', 'asyncEnd'])
    t.like(seen[0][2], { method: 'login', userPoolId: poolData.UserPoolId })
    // By its end, the requests the call made: operation, try, status, request id, timing.
    const { attempts } = seen.find(([, event]) => event === 'asyncEnd')[2]
    t.deepEqual(
      attempts.map((a) => [a.operation, a.attempt, a.status]),
      [
        ['InitiateAuth', 1, 200],
        ['RespondToAuthChallenge', 1, 200],
      ],
    )
    t.true(attempts.every((a) => typeof a.requestId === 'string' && a.durationMs > 0 && a.startMs >= 0))
    t.true(attempts[1].startMs >= attempts[0].startMs + attempts[0].durationMs)

    const cases = [
      [() => pool.login({ username: user.username, password: 'Wrong-Pass-1!' }), 'NotAuthorizedException'],
      [() => pool.login({ username: user.username }), 'InvalidParameterException'],
      [
        () => cognitoUserPool({ ...poolData, endpoint: 'http://127.0.0.1:9', timeout: 2000 }).profile({ username: 'u', accessToken: JWT }),
        'NetworkError',
      ],
      [() => pool.profile({ username: 'u', accessToken: JWT, signal: AbortSignal.abort() }), 'AbortError'],
    ]
    const stall = await listenOnLoopback(http.createServer(() => {}))
    t.teardown(() => stall.close())
    cases.push([() => cognitoUserPool({ ...poolData, endpoint: stall.url, timeout: 1000 }).signupResend({ username: 'u' }), 'NetworkError'])
    for (const [make, code] of cases) {
      seen.length = 0
      await t.throwsAsync(make())
      t.deepEqual(eventsOf(seen, 'call'), ['start', 'end', 'error', 'asyncStart', 'asyncEnd'], code)
      const failed = seen.find(([, event]) => event === 'error')[2]
      t.is(failed.code, code, failed.error?.message)
    }
    t.is(seen[0][2].method, 'signupResend')

    // The callback convention is traced the same way.
    seen.length = 0
    await new Promise((resolve) => pool.getMfa({ username: 'u', accessToken: JWT }, () => resolve()))
    t.deepEqual(eventsOf(seen, 'call'), ['start', 'end', 'error', 'asyncStart', 'asyncEnd'])
  },
)

test.serial('verifications: verifySync and verify, passing and refused, with the issuer and use of what passed', async (t) => {
  const seen = record(t)
  const issuer = createTestIssuer({ userPoolId: 'us-east-1_Trace1', clientId: 'web' })
  const verifier = issuer.verifier({ tokenUse: 'access' })
  verifier.verifySync(issuer.accessToken())
  t.deepEqual(eventsOf(seen, 'verify'), ['start', 'end'])
  t.like(seen.at(-1)[2], { sync: true, issuer: issuer.issuer, tokenUse: 'access' })
  seen.length = 0
  t.throws(() => verifier.verifySync(issuer.accessToken({ expiresIn: -10 })))
  t.deepEqual(eventsOf(seen, 'verify'), ['start', 'error', 'end'])
  t.is(seen[1][2].error.code, 'JwtExpiredError')
  seen.length = 0
  await verifier.verify(issuer.accessToken())
  t.deepEqual(eventsOf(seen, 'verify'), ['start', 'end', 'asyncStart', 'asyncEnd'])
  seen.length = 0
  await t.throwsAsync(verifier.verify(issuer.idToken()))
  t.deepEqual(eventsOf(seen, 'verify'), ['start', 'end', 'error', 'asyncStart', 'asyncEnd'])
})

test.serial(
  'JWKS fetches: one trace per fetch however many verifications wait, by a call, a verifier or a fetcher; a failed one with its code',
  async (t) => {
    const seen = record(t)
    const fetches = () => seen.filter(([c]) => c === 'jwks')
    const served = async (userPoolId) => {
      const issuer = createTestIssuer({ userPoolId, clientId: 'web' })
      t.teardown(() => issuer.close())
      return { issuer, ...(await issuer.serve()) }
    }

    // A method call (verifyToken), five at once: the keys are fetched once, traced once.
    const first = await served('us-east-1_TraceJwks1')
    const pool = cognitoUserPool(first.poolData)
    const token = first.issuer.accessToken()
    await Promise.all(Array.from({ length: 5 }, () => pool.verifyToken({ token })))
    t.deepEqual(eventsOf(seen, 'jwks'), ['start', 'end', 'asyncStart', 'asyncEnd'])
    const fetched = fetches().at(-1)[2]
    t.like(fetched, { jwksUri: first.jwksUrl, status: 200, keys: first.issuer.jwks.keys.length })
    t.true(fetched.durationMs > 0)
    t.false('fetcher' in fetched)
    await pool.verifyToken({ token })
    t.is(fetches().length, 4, 'the keys known, nothing fetched')

    // A verifier's own load.
    const second = await served('us-east-1_TraceJwks2')
    const verifier = createVerifier({ userPoolId: 'us-east-1_TraceJwks2', clientId: 'web', tokenUse: null, jwksUri: second.jwksUrl })
    seen.length = 0
    await Promise.all([verifier.verify(second.issuer.idToken()), verifier.verify(second.issuer.accessToken())])
    t.deepEqual(eventsOf(seen, 'jwks'), ['start', 'end', 'asyncStart', 'asyncEnd'])
    t.like(fetches()[0][2], { jwksUri: second.jwksUrl })

    // A JWKS URL that answers 500: the failure, its code and status, before the verification's.
    const failing = await listenOnLoopback(http.createServer((req, res) => res.writeHead(500).end()))
    t.teardown(() => failing.close())
    const third = createTestIssuer({ userPoolId: 'us-east-1_TraceJwks3', clientId: 'web' })
    const refused = createVerifier({
      userPoolId: 'us-east-1_TraceJwks3',
      clientId: 'web',
      tokenUse: null,
      jwksUri: `${failing.url}/jwks.json`,
    })
    seen.length = 0
    t.is((await t.throwsAsync(refused.verify(third.accessToken()))).code, 'FetchError')
    t.deepEqual(eventsOf(seen, 'jwks'), ['start', 'end', 'error', 'asyncStart', 'asyncEnd'])
    t.like(fetches().at(-1)[2], { code: 'FetchError', status: 500, error: { code: 'FetchError' } })

    // The caller's fetcher: traced the same way, with `fetcher: true`.
    const fourth = createTestIssuer({ userPoolId: 'us-east-1_TraceJwks4', clientId: 'web' })
    const fetcher = createVerifier({
      userPoolId: 'us-east-1_TraceJwks4',
      clientId: 'web',
      tokenUse: null,
      fetcher: async () => fourth.jwks,
    })
    seen.length = 0
    await fetcher.verify(fourth.accessToken())
    t.deepEqual(eventsOf(seen, 'jwks'), ['start', 'end', 'asyncStart', 'asyncEnd'])
    t.like(fetches().at(-1)[2], {
      jwksUri: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TraceJwks4/.well-known/jwks.json',
      fetcher: true,
      keys: fourth.jwks.keys.length,
    })
    const broken = createVerifier({
      userPoolId: 'us-east-1_TraceJwks5',
      clientId: 'web',
      tokenUse: null,
      fetcher: async () => Promise.reject(new Error('down')),
    })
    seen.length = 0
    await t.throwsAsync(broken.verify(createTestIssuer({ userPoolId: 'us-east-1_TraceJwks5', clientId: 'web' }).accessToken()))
    t.deepEqual(eventsOf(seen, 'jwks'), ['start', 'end', 'error', 'asyncStart', 'asyncEnd'])
    t.is(fetches().at(-1)[2].code, 'FetchError')
  },
)

test.serial(
  "a fetch is traced on the JS thread whose call started it: a worker's own fetch in the worker, none in the main thread",
  async (t) => {
    const seen = record(t)
    const issuer = createTestIssuer({ userPoolId: 'us-east-1_TraceWorker1', clientId: 'web' })
    t.teardown(() => issuer.close())
    const { poolData } = await issuer.serve()
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads')
     const dc = require('node:diagnostics_channel')
     const cognitoUserPool = require(workerData.main)
     const events = []
     dc.tracingChannel('cognito-user-pool:jwks').subscribe(Object.fromEntries(
       ['start', 'end', 'asyncStart', 'asyncEnd', 'error'].map((e) => [e, (c) => events.push([e, c.jwksUri, c.status])])))
     cognitoUserPool(workerData.poolData).verifyToken({ token: workerData.token })
       .then(() => parentPort.postMessage(events), (err) => parentPort.postMessage(err.code))`,
      { eval: true, workerData: { main: require.resolve('..'), poolData, token: issuer.accessToken() } },
    )
    const [events] = await once(worker, 'message')
    await worker.terminate()
    t.deepEqual(events, [
      ['start', poolData.jwksUrl, undefined],
      ['end', poolData.jwksUrl, undefined],
      ['asyncStart', poolData.jwksUrl, 200],
      ['asyncEnd', poolData.jwksUrl, 200],
    ])
    t.deepEqual(eventsOf(seen, 'jwks'), [], "the main thread's subscriber saw none of it")
  },
)

test.serial('a JS thread that stays busy holds back others waiting for its fetch for a bounded time, not until it is free', async (t) => {
  const seen = record(t)
  const issuer = createTestIssuer({ userPoolId: 'us-east-1_TraceBusy1', clientId: 'web' })
  const jwks = JSON.stringify(issuer.jwks)
  const BUSY_MS = 4000
  let busyUntil = 0
  // The keys' server answers, then this thread runs synchronously for BUSY_MS: the fetch's end
  // cannot reach this thread's channel meanwhile.
  const server = await listenOnLoopback(
    http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json').end(jwks)
      setImmediate(() => {
        worker.postMessage('go')
        busyUntil = Date.now() + BUSY_MS
        while (Date.now() < busyUntil);
      })
    }),
  )
  t.teardown(() => server.close())
  const poolData = { UserPoolId: issuer.userPoolId, ClientId: 'web', jwksUrl: `${server.url}/jwks.json` }
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads')
     const cognitoUserPool = require(workerData.main)
     parentPort.once('message', () =>
       cognitoUserPool(workerData.poolData).verifyToken({ token: workerData.token })
         .then(() => parentPort.postMessage(Date.now()), (err) => parentPort.postMessage(err.code)))`,
    { eval: true, workerData: { main: require.resolve('..'), poolData, token: issuer.accessToken() } },
  )
  t.teardown(() => worker.terminate())
  await once(worker, 'online')
  const pool = cognitoUserPool(poolData)
  const [claims, [workerDone]] = await Promise.all([pool.verifyToken({ token: issuer.accessToken() }), once(worker, 'message')])
  t.is(claims.token_use, 'access')
  t.is(typeof workerDone, 'number', String(workerDone))
  t.true(workerDone < busyUntil, 'the worker had its keys while this thread was still busy')
  // This thread's trace of the fetch still ends: its report waits in the queue, and arrives after
  // the answers (the wait for it ran out).
  while (!eventsOf(seen, 'jwks').includes('asyncEnd')) await sleep(10)
  t.deepEqual(eventsOf(seen, 'jwks'), ['start', 'end', 'asyncStart', 'asyncEnd'])
})

test.serial("a user's life, with refreshes by the sessions layer: every event seen, nothing secret in any", async (t) => {
  const poolData = await createPool()
  const rotatingClientId = await shortLivedRotatingClient(poolData)
  const rotating = { ...poolData, ClientId: rotatingClientId, jwksUrl: `${URL}/${poolData.UserPoolId}/.well-known/jwks.json` }
  const seen = record(t)
  const pool = cognitoUserPool(rotating)
  const user = await confirmedUser(rotating)
  const tokens = await pool.login({ username: user.username, password: PASSWORD })
  await pool.profile({ username: user.username, accessToken: tokens.accessToken })
  await t.throwsAsync(
    pool.passwordChange({
      username: user.username,
      accessToken: tokens.accessToken,
      oldPassword: 'Wrong-Pass-1!',
      newPassword: 'Other-Pass-2!',
    }),
  )
  const sessions = pool.sessions({ secrets: 'a-test-secret-that-is-long-enough-0001', refreshMargin: 297 })
  const { setCookie } = await sessions.start(tokens, { host: '127.0.0.1' })
  await sleep(3100)
  const { session } = await sessions.read({ cookie: setCookie[0].split(';')[0], host: '127.0.0.1' })
  t.truthy(session)
  t.deepEqual(eventsOf(seen, 'refresh'), ['start', 'end', 'asyncStart', 'asyncEnd'])
  t.like(seen.find(([c]) => c === 'refresh')[2], { store: 'memory' })
  t.true(
    seen.some(([c, , context]) => c === 'call' && context.method === 'refreshSession'),
    "the refresh's own call",
  )
  t.true(eventsOf(seen, 'verify').length >= 4, 'the sessions layer verifies through the traced verifier')
  const everything = JSON.stringify(seen)
  for (const secret of [PASSWORD, 'Other-Pass-2!', tokens.accessToken, tokens.idToken, tokens.refreshToken, session.auth.accessToken]) {
    t.false(everything.includes(secret))
  }
})
