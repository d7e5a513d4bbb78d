'use strict'

// Refresh token rotation (GetTokensFromRefreshToken), poolData's onTokens hook and AbortSignal, end
// to end against fakecloud through a loopback proxy that records what reaches the wire (the
// operation of every request) and can hold requests (a stalled server) for the abort tests.

const test = require('ava')
const cognitoUserPool = require('..')
const { admin, createPool, loggedInUser, recordingProxy } = require('./helpers')

async function rotatingClient(poolData, rotation) {
  const { UserPoolClient } = await admin('CreateUserPoolClient', {
    UserPoolId: poolData.UserPoolId,
    ClientName: `client-${rotation}`,
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    RefreshTokenRotation: { Feature: rotation, RetryGracePeriodSeconds: 0 },
  })
  return { ...poolData, ClientId: UserPoolClient.ClientId }
}

test.before(async (t) => {
  const poolData = await createPool()
  t.context.rotating = await rotatingClient(poolData, 'ENABLED')
  t.context.plain = await rotatingClient(poolData, 'DISABLED')
})

test('rotating client: refreshSession rotates through GetTokensFromRefreshToken, the old refresh token is refused after', async (t) => {
  const user = await loggedInUser(t.context.rotating)
  const proxy = await recordingProxy()
  try {
    const pool = cognitoUserPool({ ...t.context.rotating, endpoint: proxy.url })
    const fresh = await pool.refreshSession({ username: user.username, refreshToken: user.tokens.refreshToken })
    t.deepEqual(Object.keys(fresh).sort(), ['accessToken', 'accessTokenExpiresAt', 'idToken', 'idTokenExpiresAt', 'refreshToken'])
    t.not(fresh.refreshToken, user.tokens.refreshToken, 'Cognito sent a new refresh token and it is the one resolved')
    t.deepEqual(proxy.operations, ['GetTokensFromRefreshToken'])
    t.false(proxy.bodies[0].includes('SECRET_HASH'))
    const stale = await t.throwsAsync(pool.refreshSession({ username: user.username, refreshToken: user.tokens.refreshToken }))
    t.is(stale.code, 'NotAuthorizedException')
    t.is((await pool.refreshSession({ username: user.username, refreshToken: fresh.refreshToken })).idToken.split('.').length, 3)
  } finally {
    proxy.close()
  }
})

test('rotating client: a caller who authenticates every call with its refresh token goes on call after call through onTokens', async (t) => {
  const user = await loggedInUser(t.context.rotating)
  const proxy = await recordingProxy()
  let latest = user.tokens.refreshToken
  const seen = []
  const pool = cognitoUserPool({
    ...t.context.rotating,
    endpoint: proxy.url,
    onTokens: async (tokens, { username }) => {
      await new Promise((resolve) => setImmediate(resolve)) // a store that takes its time
      seen.push(username)
      latest = tokens.refreshToken
    },
  })
  try {
    for (let i = 0; i < 8; i++) {
      const before = latest
      const attributes = await pool.profile({ username: user.username, refreshToken: latest })
      t.true(Array.isArray(attributes))
      t.not(latest, before, `call ${i}: the rotated token reached the hook before the call resolved`)
    }
    t.deepEqual(seen, Array(8).fill(user.username))
    t.deepEqual(proxy.operations, Array(8).fill(['GetTokensFromRefreshToken', 'GetUser']).flat())
    // A call that fails after its refresh still hands over the rotated token.
    const failing = await t.throwsAsync(
      pool.profileAttributeConfirm({ username: user.username, refreshToken: latest, attribute: 'email', confirmationCode: '000000' }),
    )
    t.truthy(failing.code)
    t.is(seen.length, 9)
    t.is((await pool.refreshSession({ username: user.username, refreshToken: latest })).refreshToken.length > 0, true)
  } finally {
    proxy.close()
  }
})

test("non-rotating client: the same operation, and the caller's refresh token kept", async (t) => {
  const user = await loggedInUser(t.context.plain)
  const proxy = await recordingProxy()
  try {
    const pool = cognitoUserPool({ ...t.context.plain, endpoint: proxy.url })
    const again = await pool.refreshSession({ username: user.username, refreshToken: user.tokens.refreshToken })
    t.is(again.refreshToken, user.tokens.refreshToken)
    const twice = await pool.refreshSession({ username: user.username, refreshToken: user.tokens.refreshToken })
    t.is(twice.refreshToken, user.tokens.refreshToken, 'a non-rotating refresh token keeps working')
    t.deepEqual(proxy.operations, ['GetTokensFromRefreshToken', 'GetTokensFromRefreshToken'])
  } finally {
    proxy.close()
  }
})

test('onTokens: what it throws is what the call rejects with; a poolData onTokens that is no function is a coded error', async (t) => {
  const user = await loggedInUser(t.context.rotating)
  const failing = cognitoUserPool({
    ...t.context.rotating,
    onTokens: () => {
      throw Object.assign(new Error('store down'), { code: 'StoreDown' })
    },
  })
  const err = await t.throwsAsync(failing.refreshSession({ username: user.username, refreshToken: user.tokens.refreshToken }))
  t.is(err.code, 'StoreDown')
  const bad = cognitoUserPool({ ...t.context.rotating, onTokens: 'yes' })
  const refused = await t.throwsAsync(bad.profile({ username: 'u', accessToken: user.tokens.accessToken }))
  t.is(refused.code, 'InvalidParameterException')
  t.regex(refused.message, /onTokens/)
})

test('signal: aborted before (nothing sent), during a stalled request (at once, callback once), after (no effect); not a signal is refused', async (t) => {
  const user = await loggedInUser(t.context.plain)
  const proxy = await recordingProxy()
  try {
    const pool = cognitoUserPool({ ...t.context.plain, endpoint: proxy.url, timeout: 20_000 })
    const before = await t.throwsAsync(pool.profile({ ...user.auth, signal: AbortSignal.abort(new Error('user left')) }))
    t.is(before.code, 'AbortError')
    t.is(before.name, 'AbortError')
    t.is(before.cause.message, 'user left')
    t.deepEqual(proxy.operations, [], 'nothing reached the wire')

    proxy.hold = true
    const controller = new AbortController()
    const started = Date.now()
    const calls = []
    const done = new Promise((resolve) => {
      pool.profile({ ...user.auth, signal: controller.signal }, (err, result) => {
        calls.push([err, result])
        resolve()
      })
    })
    while (proxy.operations.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
    controller.abort()
    await done
    t.is(calls[0][0].code, 'AbortError')
    t.true(Date.now() - started < 5000, 'ended at once, not at the timeout')
    await new Promise((resolve) => setTimeout(resolve, 200))
    t.is(calls.length, 1, 'the callback ran once')

    proxy.hold = false
    const after = new AbortController()
    const attributes = await pool.profile({ ...user.auth, signal: after.signal })
    after.abort()
    t.true(Array.isArray(attributes))
    t.true(Array.isArray(await pool.profile(user.auth)), 'the pool still works')

    for (const signal of [{}, 'abort', { aborted: true }]) {
      t.is((await t.throwsAsync(pool.profile({ ...user.auth, signal }))).code, 'InvalidParameterException')
    }
  } finally {
    proxy.close()
  }
})
