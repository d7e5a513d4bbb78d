'use strict'

// How public backends built on cognito-user-pool 0.2.4 call it, each pattern in a few lines of
// our own: promisified methods (util.promisify, bluebird's promisifyAll, methods taken off the
// object and bound), an Express service that turns err.statusCode into the HTTP status and sends
// the error as JSON, and Lambda handlers that end with their callback. Errors serialise as the
// original's (aws-sdk v2) did.

const test = require('ava')
const util = require('node:util')
const Bluebird = require('bluebird')
const express = require('express')
const cognitoUserPool = require('..')
const { createPool, confirmedUser, loggedInUser, unique, PASSWORD } = require('./helpers')

test.before(async (t) => {
  t.context.poolData = await createPool()
  t.context.pool = cognitoUserPool(t.context.poolData)
})

test('util.promisify on each method', async (t) => {
  const { pool, poolData } = t.context
  const user = await confirmedUser(poolData)
  const login = util.promisify(pool.login).bind(pool)
  const tokens = await login({ username: user.username, password: user.password })
  t.truthy(tokens.accessToken)
  const profile = util.promisify(pool.profile.bind(pool))
  t.true(Array.isArray(await profile({ username: user.username, refreshToken: tokens.refreshToken })))
  const err = await t.throwsAsync(login({ username: user.username, password: 'Wrong-Horse-1!' }))
  t.is(err.code, 'NotAuthorizedException')
})

test('bluebird.promisifyAll: every method gains its ...Async twin', async (t) => {
  const { poolData } = t.context
  const pool = Bluebird.promisifyAll(cognitoUserPool(poolData))
  const user = await confirmedUser(poolData)
  for (const method of ['login', 'signup', 'profile', 'refreshSession', 'passwordForgot']) t.is(typeof pool[`${method}Async`], 'function')
  const tokens = await pool.loginAsync({ username: user.username, password: user.password })
  t.truthy(tokens.idToken)
  const err = await pool.profileAsync({ username: user.username, accessToken: 'not-a-jwt' }).catch((e) => e)
  t.true(err instanceof Error)
  t.is(err.code, 'InvalidParameterException')
})

test('methods taken off the object: bound they work, unbound they answer a coded error, never throw', async (t) => {
  const { pool, poolData } = t.context
  const user = await confirmedUser(poolData)
  const { login } = pool
  const bound = pool.login.bind(pool)
  t.truthy((await bound({ username: user.username, password: user.password })).accessToken)
  const err = await new Promise((resolve) => login({ username: user.username, password: user.password }, resolve))
  t.is(err.code, 'InvalidParameterException')
  t.regex(err.message, /without its pool/)
})

test("errors serialise with code, name, message, statusCode, retryable and requestId, as the original's", async (t) => {
  const { pool } = t.context
  const server = await pool.login({ username: unique('nobody'), password: 'Wrong-Horse-1!' }).catch((e) => e)
  const json = JSON.parse(JSON.stringify(server))
  t.deepEqual(
    Object.keys(json)
      .filter((k) => k !== 'requestId')
      .sort(),
    ['code', 'message', 'name', 'retryable', 'statusCode'],
  )
  t.is(json.statusCode, 400)
  t.is(json.retryable, false)
  t.is(json.code, server.code)
  t.is(json.name, server.code)
  t.is(json.message, server.message)
  if ('requestId' in json) t.is(typeof json.requestId, 'string')

  const local = JSON.parse(JSON.stringify(await pool.login({ password: 'p' }).catch((e) => e)))
  t.deepEqual(local, {
    message: 'username is required',
    code: 'InvalidParameterException',
    name: 'InvalidParameterException',
    statusCode: 400,
    retryable: false,
  })

  const offline = cognitoUserPool({ UserPoolId: 'us-east-1_Off1', ClientId: 'c', endpoint: 'http://127.0.0.1:9', timeout: 2000 })
  const network = JSON.parse(JSON.stringify(await offline.signupResend({ username: 'u' }).catch((e) => e)))
  t.is(network.code, 'NetworkError')
  t.is(network.retryable, true)
  t.false('statusCode' in network, 'no HTTP answer came, so no HTTP status')
  t.truthy(network.message)
})

/** An Express auth service in the style of the public ones: Cognito errors become HTTP answers. */
function authService(pool) {
  const app = express()
  app.use(express.json())
  const send = (res) => (err, result) => (err ? res.status(err.statusCode || 500).send(err) : res.send(result))
  app.post('/login', (req, res) => pool.login(req.body, send(res)))
  // The session calls authenticate with the refresh token alone, username ''.
  app.get('/me', (req, res) => pool.profile({ username: '', refreshToken: req.get('x-refresh-token') }, send(res)))
  app.post('/me/password', (req, res) =>
    pool.passwordChange({ username: '', refreshToken: req.get('x-refresh-token'), ...req.body }, send(res)),
  )
  app.post('/logout', (req, res) => pool.logout({ username: '', refreshToken: req.get('x-refresh-token') }, send(res)))
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() }),
    )
  })
}

test('an Express service: statusCode becomes the HTTP status, res.send(err) carries the message', async (t) => {
  const { pool, poolData } = t.context
  const user = await confirmedUser(poolData)
  const service = await authService(pool)
  const post = (path, body, headers = {}) =>
    fetch(service.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  try {
    const login = await post('/login', { username: user.username, password: user.password })
    t.is(login.status, 200)
    const tokens = await login.json()
    const headers = { 'x-refresh-token': tokens.refreshToken }
    const me = await fetch(`${service.url}/me`, { headers })
    t.is(me.status, 200)
    t.is((await me.json()).find((a) => a.Name === 'email').Value, user.email)
    t.is((await post('/me/password', { oldPassword: PASSWORD, newPassword: 'Fresh-Horse-7!' }, headers)).status, 200)

    const wrong = await post('/login', { username: user.username, password: PASSWORD })
    t.is(wrong.status, 400)
    const body = await wrong.json()
    t.is(body.code, 'NotAuthorizedException')
    t.truthy(body.message)
    const missing = await post('/login', { password: 'x' })
    t.is(missing.status, 400)
    t.is((await missing.json()).code, 'InvalidParameterException')
    t.is((await post('/logout', {}, headers)).status, 200)
  } finally {
    service.close()
  }
})

test('Lambda handlers that end with the callback', async (t) => {
  const { pool, poolData } = t.context
  const user = await loggedInUser(poolData)
  const respond = (callback) => (err, result) =>
    callback(null, { statusCode: err ? err.statusCode || 500 : 200, body: JSON.stringify(err || result) })
  const handlers = {
    profile: (event, _context, callback) => pool.profile(JSON.parse(event.body), respond(callback)),
    refresh: (event, _context, callback) => pool.refreshSession(JSON.parse(event.body), respond(callback)),
  }
  const invoke = (handler, body) => new Promise((resolve) => handler({ body: JSON.stringify(body) }, {}, (_err, res) => resolve(res)))
  const ok = await invoke(handlers.profile, user.auth)
  t.is(ok.statusCode, 200)
  t.true(JSON.parse(ok.body).some((a) => a.Name === 'email'))
  const refreshed = await invoke(handlers.refresh, { username: user.username, refreshToken: user.tokens.refreshToken })
  t.is(refreshed.statusCode, 200)
  t.truthy(JSON.parse(refreshed.body).idToken)
  const bad = await invoke(handlers.refresh, { username: user.username, refreshToken: 'revoked-or-garbage' })
  t.is(bad.statusCode, 400)
  t.is(JSON.parse(bad.body).code, 'NotAuthorizedException')
})
