'use strict'

// Test helpers: pools and users set up on the fakecloud that `npm test` started (FAKECLOUD_URL).

const fakecloud = require('../scripts/fakecloud.js')
const cognitoUserPool = require('..')

const URL = process.env.FAKECLOUD_URL
if (!URL) throw new Error('FAKECLOUD_URL is not set: run the tests with `npm test`')

const PASSWORD = 'Correct-Horse-9!'

const admin = (operation, body) => fakecloud.admin(URL, operation, body)
const createPool = (options) => fakecloud.createPool(URL, options)
const codes = (poolId, username) => fakecloud.codes(URL, poolId, username)
const smsCode = (phone) => fakecloud.smsCode(URL, phone)
const { unique } = fakecloud

/**
 * An app client of `poolData`'s pool that rotates refresh tokens (no grace period) and issues
 * access and id tokens of 5 minutes, fakecloud's and Cognito's shortest: resolves its ClientId.
 */
async function shortLivedRotatingClient(poolData) {
  const { UserPoolClient } = await admin('CreateUserPoolClient', {
    UserPoolId: poolData.UserPoolId,
    ClientName: 'rotating',
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 },
    AccessTokenValidity: 5,
    IdTokenValidity: 5,
    TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes' },
  })
  return UserPoolClient.ClientId
}

/** A signed-up, confirmed user of `poolData`; resolves `{ username, password, email }`. */
async function confirmedUser(poolData, { attributes = [] } = {}) {
  const pool = cognitoUserPool(poolData)
  const username = unique('user')
  const email = `${username}@example.com`
  await pool.signup({ username, password: PASSWORD, attributes: [{ Name: 'email', Value: email }, ...attributes] })
  const { confirmationCode } = await codes(poolData.UserPoolId, username)
  await pool.signupConfirm({ username, confirmationCode })
  return { username, password: PASSWORD, email }
}

/** A logged-in user: its credentials and tokens. */
async function loggedInUser(poolData, options) {
  const user = await confirmedUser(poolData, options)
  const tokens = await cognitoUserPool(poolData).login({ username: user.username, password: user.password })
  return { ...user, tokens, auth: { username: user.username, idToken: tokens.idToken, accessToken: tokens.accessToken } }
}

/** Call `pool[method](params, cb)` and resolve `{ err, result, calls }` once the callback ran;
 * `calls` counts callback invocations seen within a short grace period after the first. */
function viaCallback(pool, method, params) {
  return new Promise((resolve) => {
    let calls = 0
    let first
    const returned = pool[method](params, (err, result) => {
      calls += 1
      if (calls === 1) {
        first = { err, result }
        setTimeout(() => resolve({ ...first, calls, returned }), 50)
      }
    })
  })
}

/** Start `server` on a free loopback port; resolves `{ url, close }`, close ending its open connections too. */
async function listenOnLoopback(server) {
  const sockets = new Set()
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      for (const s of sockets) s.destroy()
      server.close()
    },
  }
}

const http = require('node:http')

/**
 * A loopback proxy to fakecloud that records what reaches the wire: `operations` lists each
 * request's operation (X-Amz-Target), `bodies` its JSON, `statuses` fakecloud's answer's status;
 * `hold` stalls requests (a stalled server);
 * `beforeAnswer(operation)`, when set, is awaited between fakecloud's answer and the caller's.
 */
async function recordingProxy() {
  const state = { operations: [], bodies: [], statuses: [], hold: false, beforeAnswer: null }
  const upstream = new globalThis.URL(URL)
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      state.operations.push(
        String(req.headers['x-amz-target'] || '')
          .split('.')
          .pop(),
      )
      state.bodies.push(body.toString())
      if (state.hold) return // never answered: a stalled server
      const index = state.operations.length - 1
      const operation = state.operations[index]
      const forward = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        async (answer) => {
          state.statuses[index] = answer.statusCode
          if (state.beforeAnswer) await state.beforeAnswer(operation)
          res.writeHead(answer.statusCode, answer.headers)
          answer.pipe(res)
        },
      )
      forward.on('error', () => res.destroy())
      forward.end(body)
    })
  })
  const proxy = await listenOnLoopback(server)
  return Object.assign(state, { url: proxy.url, close: proxy.close })
}

module.exports = {
  shortLivedRotatingClient,
  URL,
  PASSWORD,
  admin,
  unique,
  createPool,
  codes,
  smsCode,
  confirmedUser,
  loggedInUser,
  viaCallback,
  listenOnLoopback,
  recordingProxy,
}
