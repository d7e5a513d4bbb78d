'use strict'

// Faults between the package and the server, played by a loopback proxy in front of fakecloud:
// every call ends with a coded Error within its timeout, throttling and 5xx are retried (bounded),
// LimitExceededException and other 4xx are not, and the next call after the fault succeeds.

const test = require('ava')
const http = require('node:http')
const net = require('node:net')
const cognitoUserPool = require('..')
const { URL: FAKECLOUD, createPool, confirmedUser, listenOnLoopback } = require('./helpers')

/** A proxy to fakecloud that plays `mode` instead of forwarding, and counts requests. */
async function faultProxy() {
  const state = { mode: 'pass', requests: 0 }
  const json = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...headers })
    res.end(typeof body === 'string' ? body : JSON.stringify(body))
  }
  const server = http.createServer(async (req, res) => {
    const chunks = []
    for await (const c of req) chunks.push(c)
    state.requests += 1
    switch (state.mode) {
      case 'reset':
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': '500' })
        res.write('{"Authentication')
        setTimeout(() => req.socket.destroy(), 5)
        return
      case 'hang':
        return // never answers
      case '500':
        return json(res, 500, { __type: 'InternalErrorException', message: 'boom' })
      case '503':
        return json(res, 503, 'Service Unavailable')
      case 'throttle':
        return json(
          res,
          400,
          { __type: 'TooManyRequestsException', message: 'Too many requests' },
          { 'x-amzn-errortype': 'TooManyRequestsException:' },
        )
      case 'limit':
        return json(
          res,
          400,
          { __type: 'LimitExceededException', message: 'Attempt limit exceeded, please try after some time.' },
          { 'x-amzn-errortype': 'LimitExceededException:' },
        )
      case 'malformed':
        return json(res, 200, '{"ChallengeName": "PASSWORD_VERIFIER", ')
      case 'truncated':
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': '200' })
        res.end('{"CodeDeliveryDetails": {')
        return
      case 'empty':
        return json(res, 200, {})
      default: {
        const headers = { ...req.headers }
        delete headers.host
        const upstream = await fetch(FAKECLOUD, { method: req.method, headers, body: Buffer.concat(chunks) })
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') || 'application/json' })
        res.end(Buffer.from(await upstream.arrayBuffer()))
      }
    }
  })
  return { state, ...(await listenOnLoopback(server)) }
}

test.before(async (t) => {
  t.context.proxy = await faultProxy()
  t.context.poolData = { ...(await createPool()), endpoint: t.context.proxy.url, timeout: 4000 }
  t.context.user = await confirmedUser({ ...t.context.poolData, endpoint: FAKECLOUD })
})
test.after.always((t) => t.context.proxy.close())

/** Play `mode` for one call of `method`, then check the next call through the proxy succeeds. */
async function withFault(t, mode, method, params) {
  const { proxy, poolData, user } = t.context
  const pool = cognitoUserPool(poolData)
  proxy.state.mode = mode
  proxy.state.requests = 0
  const started = Date.now()
  const err = await t.throwsAsync(pool[method](params))
  const elapsed = Date.now() - started
  const requests = proxy.state.requests
  proxy.state.mode = 'pass'
  t.true(err instanceof Error)
  t.is(typeof err.code, 'string')
  t.true(elapsed < poolData.timeout + 2000, `${mode} took ${elapsed} ms`)
  const tokens = await pool.login({ username: user.username, password: user.password })
  t.truthy(tokens.accessToken, `the call after ${mode} succeeds`)
  return { err, requests, elapsed }
}

test.serial('connection refused: NetworkError', async (t) => {
  const port = await new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
  const pool = cognitoUserPool({ ...t.context.poolData, endpoint: `http://127.0.0.1:${port}` })
  const err = await t.throwsAsync(pool.passwordForgot({ username: 'u' }))
  t.is(err.code, 'NetworkError')
})

test.serial('connection reset mid-response: retried as a transient fault (bounded), then NetworkError', async (t) => {
  const { err, requests } = await withFault(t, 'reset', 'passwordForgot', { username: t.context.user.username })
  t.is(err.code, 'NetworkError')
  t.is(err.retryable, true)
  t.true(requests >= 2 && requests <= 3, `${requests} requests`)
})

test.serial('a server that never answers: NetworkError within the poolData timeout', async (t) => {
  const { err } = await withFault(t, 'hang', 'signupResend', { username: t.context.user.username })
  t.is(err.code, 'NetworkError')
})

test.serial('500 is retried with backoff (bounded) and reported with its status', async (t) => {
  const { err, requests } = await withFault(t, '500', 'passwordForgot', { username: t.context.user.username })
  t.is(err.code, 'InternalErrorException')
  t.is(err.statusCode, 500)
  t.is(err.retryable, true)
  t.true(requests >= 2 && requests <= 3, `${requests} requests`)
})

test.serial('503 is retried and reported with its status', async (t) => {
  const { err, requests } = await withFault(t, '503', 'passwordForgot', { username: t.context.user.username })
  t.is(err.statusCode, 503)
  t.true(requests >= 2 && requests <= 3, `${requests} requests`)
})

test.serial('TooManyRequestsException is retried, then reported as retryable', async (t) => {
  const { err, requests } = await withFault(t, 'throttle', 'passwordForgot', { username: t.context.user.username })
  t.is(err.code, 'TooManyRequestsException')
  t.is(err.retryable, true)
  t.true(requests >= 2 && requests <= 3, `${requests} requests`)
})

test.serial('LimitExceededException is not retried', async (t) => {
  const { err, requests } = await withFault(t, 'limit', 'passwordForgot', { username: t.context.user.username })
  t.is(err.code, 'LimitExceededException')
  t.is(err.retryable, false)
  t.is(requests, 1)
})

test.serial('malformed JSON in a 200: UnknownError, not retried', async (t) => {
  const { err, requests } = await withFault(t, 'malformed', 'login', { username: t.context.user.username, password: 'x' })
  t.is(err.code, 'UnknownError')
  t.is(err.statusCode, 502, 'a 2xx that cannot be used is a bad gateway for the service that forwards it')
  t.is(requests, 1)
})

test.serial('a body cut short of its Content-Length: NetworkError', async (t) => {
  const { err } = await withFault(t, 'truncated', 'passwordForgot', { username: t.context.user.username })
  t.is(err.code, 'NetworkError')
})

test.serial('a 200 with missing fields: UnknownError naming what is missing', async (t) => {
  const { err, requests } = await withFault(t, 'empty', 'login', { username: t.context.user.username, password: 'x' })
  t.is(err.code, 'UnknownError')
  t.regex(err.message, /neither tokens nor a challenge/)
  t.is(requests, 1)
})
