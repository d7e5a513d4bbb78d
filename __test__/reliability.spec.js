'use strict'

// Hostile servers on loopback, beyond the faults of faults.spec.js: one deadline per call, no
// repeat of a request Cognito may have carried out, answers read up to a bound, one JWKS fetch
// per window whatever the traffic, and server messages that echo the request lose its secrets.

const test = require('ava')
const crypto = require('node:crypto')
const http = require('node:http')
const cognitoUserPool = require('..')
const { URL: FAKECLOUD, createPool, confirmedUser, loggedInUser, unique, PASSWORD, listenOnLoopback } = require('./helpers')

/** A loopback server; `handle({ req, res, body, target, forward, send })` decides, `forward()` asks fakecloud. */
async function proxy(handle) {
  const state = { requests: [] }
  const server = http.createServer(async (req, res) => {
    const chunks = []
    for await (const c of req) chunks.push(c)
    const body = Buffer.concat(chunks)
    const target = String(req.headers['x-amz-target'] || '')
      .split('.')
      .pop()
    state.requests.push(target)
    const forward = async () => {
      const headers = { ...req.headers }
      delete headers.host
      const upstream = await fetch(FAKECLOUD, { method: req.method, headers, body })
      return { status: upstream.status, type: upstream.headers.get('content-type'), body: Buffer.from(await upstream.arrayBuffer()) }
    }
    const send = ({ status, type, body: answer }) => {
      res.writeHead(status, { 'content-type': type || 'application/x-amz-json-1.1' })
      res.end(answer)
    }
    await handle({ req, res, body, target, forward, send })
  })
  return { state, ...(await listenOnLoopback(server)) }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

test('one deadline per call: each request answered just under the timeout still ends the call at the timeout', async (t) => {
  const poolData = await createPool()
  const user = await loggedInUser(poolData)
  const slow = await proxy(async ({ forward, send }) => {
    const answer = await forward()
    await sleep(700)
    send(answer)
  })
  try {
    const pool = cognitoUserPool({ ...poolData, endpoint: slow.url, timeout: 1000 })
    for (const [name, call] of [
      ['login (two requests)', () => pool.login({ username: user.username, password: user.password })],
      ['profile by refresh token (two requests)', () => pool.profile({ username: user.username, refreshToken: user.tokens.refreshToken })],
    ]) {
      const started = Date.now()
      const err = await t.throwsAsync(call(), undefined, name)
      const elapsed = Date.now() - started
      t.is(err.code, 'NetworkError', name)
      t.regex(err.message, /within its timeout of 1000 ms/)
      t.true(elapsed < 1400, `${name} took ${elapsed} ms, past its 1000 ms deadline`)
      t.log(`${name}: NetworkError after ${elapsed} ms`)
    }
  } finally {
    slow.close()
  }
})

test('a request Cognito may have carried out is not sent again; a read is', async (t) => {
  const poolData = await createPool()
  const user = await loggedInUser(poolData)
  // Forwards, lets fakecloud act, then drops the connection instead of answering, once per target.
  const dropped = new Set()
  const lossy = await proxy(async ({ req, target, forward, send }) => {
    const answer = await forward()
    if (dropped.has(target)) return send(answer)
    dropped.add(target)
    req.socket.destroy()
  })
  try {
    const pool = cognitoUserPool({ ...poolData, endpoint: lossy.url, timeout: 5000 })
    const username = unique('once')
    const err = await t.throwsAsync(pool.signup({ username, password: PASSWORD }))
    t.is(err.code, 'NetworkError')
    t.regex(err.message, /whether Cognito carried it out is unknown/)
    t.is(err.retryable, false)
    t.deepEqual(
      lossy.state.requests.filter((r) => r === 'SignUp'),
      ['SignUp'],
      'sent once',
    )
    // Cognito did act: the user exists.
    const again = await t.throwsAsync(cognitoUserPool(poolData).signup({ username, password: PASSWORD }))
    t.is(again.code, 'UsernameExistsException')

    const changed = await t.throwsAsync(pool.passwordChange({ ...user.auth, oldPassword: PASSWORD, newPassword: 'Other-Horse-5!' }))
    t.regex(changed.message, /unknown/)
    t.is(lossy.state.requests.filter((r) => r === 'ChangePassword').length, 1)

    // GetUser changes nothing: its lost answer is asked for again.
    const profile = await pool.profile(user.auth)
    t.true(Array.isArray(profile))
    t.is(lossy.state.requests.filter((r) => r === 'GetUser').length, 2)
  } finally {
    lossy.close()
  }
})

// Serial, so that no other test of this file allocates while RSS is measured.
test.serial('an endless answer is read up to the bound: a coded error, memory flat', async (t) => {
  const chunk = Buffer.alloc(64 * 1024, 'x')
  let streamed = 0
  const endless = http.createServer((req, res) => {
    req.resume()
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
    const pump = () => {
      let room = true
      while (room && streamed < 256 * 2 ** 20) {
        room = res.write(chunk)
        streamed += chunk.length
      }
      if (streamed >= 256 * 2 ** 20) res.end()
    }
    res.on('drain', pump)
    res.on('error', () => {})
    pump()
  })
  await new Promise((r) => endless.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${endless.address().port}`
  try {
    global.gc?.()
    const before = process.memoryUsage().rss
    const pool = cognitoUserPool({
      UserPoolId: 'us-east-1_Endless1',
      ClientId: 'c',
      endpoint: url,
      jwksUrl: `${url}/jwks.json`,
      timeout: 20_000,
    })
    const err = await t.throwsAsync(pool.signupResend({ username: 'u' }))
    t.is(err.code, 'UnknownError')
    t.regex(err.message, /larger than 1048576 bytes/)
    const jwt =
      [
        { alg: 'RS256', kid: 'k1' },
        { sub: 'x', iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Endless1' },
      ]
        .map((p) => Buffer.from(JSON.stringify(p)).toString('base64url'))
        .join('.') + '.c2ln'
    const jwks = await t.throwsAsync(pool.verifyToken({ token: jwt }))
    t.is(jwks.code, 'FetchError')
    t.regex(jwks.message, /JWKS: the answer is larger than 262144 bytes/)
    const grown = (process.memoryUsage().rss - before) / 2 ** 20
    t.log(`RSS +${grown.toFixed(1)} MiB; the server got ${(streamed / 2 ** 20).toFixed(1)} MiB out before the client stopped reading`)
    t.true(grown < 64, `RSS grew by ${grown.toFixed(0)} MiB while the server streamed ${(streamed / 2 ** 20).toFixed(0)} MiB`)
    t.true(streamed < 64 * 2 ** 20, `the client stopped reading (the server got ${(streamed / 2 ** 20).toFixed(0)} MiB out)`)
  } finally {
    endless.closeAllConnections()
    endless.close()
  }
})

test('a flood of unknown kids makes one JWKS request per window, a failing JWKS too', async (t) => {
  const served = { requests: 0, status: 200 }
  const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'known', alg: 'RS256', use: 'sig' }
  const jwks = http.createServer((req, res) => {
    served.requests += 1
    setTimeout(() => {
      res.writeHead(served.status, { 'content-type': 'application/json' })
      res.end(served.status === 200 ? JSON.stringify({ keys: [jwk] }) : 'unavailable')
    }, 50)
  })
  await new Promise((r) => jwks.listen(0, '127.0.0.1', r))
  const base = `http://127.0.0.1:${jwks.address().port}`
  const forged = (i) =>
    [
      { alg: 'RS256', kid: `forged-${i}` },
      { sub: 'x', token_use: 'access', iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Flood1' },
    ]
      .map((p) => Buffer.from(JSON.stringify(p)).toString('base64url'))
      .join('.') + '.c2ln'
  try {
    const pool = cognitoUserPool({ UserPoolId: 'us-east-1_Flood1', ClientId: 'c', jwksUrl: `${base}/a/jwks.json`, timeout: 5000 })
    const first = await Promise.all(Array.from({ length: 1000 }, (_, i) => pool.verifyToken({ token: forged(i) }).catch((e) => e)))
    // Those that shared the one fetch are told the kid is unknown; those that came after it, that
    // the window forbids another (aws-jwt-verify's penalty box).
    t.true(
      first.every((e) => ['KidNotFoundInJwksError', 'WaitPeriodNotYetEndedJwkError'].includes(e.code) && e.statusCode === 401),
      first[0].message,
    )
    t.is(served.requests, 1, '1,000 tokens with unknown kids, one request')

    served.status = 503
    served.requests = 0
    const failing = cognitoUserPool({ UserPoolId: 'us-east-1_Flood1', ClientId: 'c', jwksUrl: `${base}/b/jwks.json`, timeout: 5000 })
    const down = await Promise.all(Array.from({ length: 200 }, (_, i) => failing.verifyToken({ token: forged(i) }).catch((e) => e)))
    t.true(
      down.every((e) => e.code === 'FetchError' && e.statusCode === 503),
      down[0].message,
    )
    const later = await failing.verifyToken({ token: forged(9999) }).catch((e) => e)
    t.is(later.code, 'FetchError', 'the failure is remembered for the window')
    t.is(served.requests, 1, 'a failing JWKS is asked once per window, not once per token')
  } finally {
    jwks.close()
  }
})

test('a server message that echoes the request loses every secret of the call', async (t) => {
  const poolData = await createPool({ secret: true })
  const user = await loggedInUser(poolData)
  const echo = await proxy(async ({ body, send }) =>
    send({ status: 400, body: JSON.stringify({ __type: 'InvalidParameterException', message: `Could not process ${body.toString()}` }) }),
  )
  try {
    const pool = cognitoUserPool({ ...poolData, endpoint: echo.url })
    const secrets = [
      PASSWORD,
      'New-Secret-Pass-3!',
      '123456',
      user.tokens.accessToken,
      user.tokens.refreshToken,
      user.tokens.idToken,
      poolData.ClientSecret,
      'session-value-that-is-secret',
    ]
    const calls = [
      pool.signup({ username: user.username, password: PASSWORD }),
      pool.signupConfirm({ username: user.username, confirmationCode: '123456' }),
      pool.login({ username: user.username, password: PASSWORD }),
      pool.loginMfa({ username: user.username, loginSession: 'session-value-that-is-secret', mfaCode: '123456' }),
      pool.passwordReset({ username: user.username, passwordResetCode: '123456', newPassword: 'New-Secret-Pass-3!' }),
      pool.passwordChange({ ...user.auth, oldPassword: PASSWORD, newPassword: 'New-Secret-Pass-3!' }),
      pool.profile({ username: user.username, refreshToken: user.tokens.refreshToken }),
      pool.revokeToken({ refreshToken: user.tokens.refreshToken }),
    ]
    for (const err of await Promise.all(calls.map((c) => c.catch((e) => e)))) {
      t.is(err.code, 'InvalidParameterException')
      t.regex(err.message, /^Could not process/)
      for (const secret of secrets) t.false(err.message.includes(secret), `${secret.slice(0, 8)}... in ${err.message.slice(0, 120)}`)
      t.false(/SECRET_HASH":"[A-Za-z0-9+/=]{20,}/.test(err.message), err.message.slice(0, 200))
    }
  } finally {
    echo.close()
  }
})

test('a session sent in another form than given (untagged) is redacted in the form sent', async (t) => {
  const echo = await proxy(async ({ body, send }) =>
    send({ status: 400, body: JSON.stringify({ __type: 'InvalidParameterException', message: `Could not process ${body.toString()}` }) }),
  )
  try {
    const pool = cognitoUserPool({ UserPoolId: 'us-east-1_Echo1', ClientId: 'client', endpoint: echo.url })
    const session = crypto.randomUUID()
    const calls = [
      pool.loginSelectChallenge({ username: 'alice', loginSession: `SELECT_CHALLENGE:${session}`, challenge: 'EMAIL_OTP' }),
      pool.loginMfa({ username: 'alice', loginSession: `EMAIL_OTP:${session}`, mfaCode: '123456' }),
    ]
    for (const err of await Promise.all(calls.map((c) => c.catch((e) => e)))) {
      t.is(err.code, 'InvalidParameterException')
      t.regex(err.message, /^Could not process/)
      t.false(err.message.includes(session), err.message)
    }
  } finally {
    echo.close()
  }
})

test('params whose toJSON throws, or that hold cycles, still work: they are read by name', async (t) => {
  const poolData = await createPool()
  const user = await confirmedUser(poolData)
  const params = {
    username: user.username,
    password: user.password,
    toJSON() {
      throw new Error('never called')
    },
  }
  params.self = params
  t.truthy((await cognitoUserPool(poolData).login(params)).accessToken)
})
