'use strict'

const test = require('ava')
const cognitoUserPool = require('..')
const { createPool, loggedInUser } = require('./helpers')

test.before(async (t) => {
  t.context.poolData = await createPool()
  t.context.pool = cognitoUserPool(t.context.poolData)
})

test('refreshSession gives new tokens and keeps the refresh token when Cognito sends none', async (t) => {
  const user = await loggedInUser(t.context.poolData)
  const tokens = await t.context.pool.refreshSession({ username: user.username, refreshToken: user.tokens.refreshToken })
  t.is(typeof tokens.accessToken, 'string')
  t.is(typeof tokens.idToken, 'string')
  t.is(typeof tokens.accessTokenExpiresAt, 'number')
  t.truthy(tokens.refreshToken)
  t.deepEqual((await t.context.pool.profile({ username: user.username, ...tokens })).find((a) => a.Name === 'email').Value, user.email)
})

test('refreshSession with a garbage refresh token is NotAuthorizedException', async (t) => {
  const err = await t.throwsAsync(t.context.pool.refreshSession({ username: 'someone', refreshToken: 'garbage' }))
  t.is(err.code, 'NotAuthorizedException')
})

test('a call authenticated with only a refresh token refreshes first', async (t) => {
  const user = await loggedInUser(t.context.poolData)
  const profile = await t.context.pool.profile({ username: user.username, refreshToken: user.tokens.refreshToken })
  t.is(profile.find((a) => a.Name === 'email').Value, user.email)
})

test('a well-formed but forged access token is refused by the server', async (t) => {
  const user = await loggedInUser(t.context.poolData)
  const [h, p] = user.tokens.accessToken.split('.')
  const forged = `${h}.${p}.${Buffer.from('not the signature').toString('base64url')}`
  const err = await t.throwsAsync(t.context.pool.profile({ username: user.username, accessToken: forged }))
  t.is(err.code, 'NotAuthorizedException')
})

test('logout signs out globally: the old access and refresh tokens stop working', async (t) => {
  const { pool } = t.context
  const user = await loggedInUser(t.context.poolData)
  t.is(await pool.logout(user.auth), 'SUCCESS')
  const err = await t.throwsAsync(pool.profile(user.auth))
  t.is(err.code, 'NotAuthorizedException')
  const refreshErr = await t.throwsAsync(pool.refreshSession({ username: user.username, refreshToken: user.tokens.refreshToken }))
  t.is(refreshErr.code, 'NotAuthorizedException')
  const again = await t.throwsAsync(pool.logout(user.auth))
  t.is(again.code, 'NotAuthorizedException')
})

test('users of one server never cross over: each call acts with its own tokens', async (t) => {
  const { pool, poolData } = t.context
  const users = await Promise.all([1, 2, 3, 4].map(() => loggedInUser(poolData)))
  const profiles = await Promise.all(users.map((u) => pool.profile(u.auth)))
  profiles.forEach((profile, i) => t.is(profile.find((a) => a.Name === 'email').Value, users[i].email))
})
