'use strict'

const test = require('ava')
const cognitoUserPool = require('..')
const { admin, createPool, confirmedUser, smsCode, unique, PASSWORD } = require('./helpers')

const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString())

test.before(async (t) => {
  t.context.poolData = await createPool()
  t.context.pool = cognitoUserPool(t.context.poolData)
})

function assertTokens(t, tokens) {
  t.deepEqual(Object.keys(tokens).sort(), ['accessToken', 'accessTokenExpiresAt', 'idToken', 'idTokenExpiresAt', 'refreshToken'])
  t.is(tokens.accessTokenExpiresAt, claims(tokens.accessToken).exp)
  t.is(tokens.idTokenExpiresAt, claims(tokens.idToken).exp)
  t.is(claims(tokens.accessToken).token_use, 'access')
  t.is(claims(tokens.idToken).token_use, 'id')
  t.true(tokens.refreshToken.length > 0)
}

test('login with the right password: the SRP proof is accepted and tokens come back', async (t) => {
  const user = await confirmedUser(t.context.poolData)
  const tokens = await t.context.pool.login({ username: user.username, password: user.password })
  assertTokens(t, tokens)
  t.is(claims(tokens.idToken)['cognito:username'], user.username)
})

test('login with a wrong password is rejected by the SRP server: NotAuthorizedException', async (t) => {
  const user = await confirmedUser(t.context.poolData)
  const err = await t.throwsAsync(t.context.pool.login({ username: user.username, password: 'Wrong-Horse-9!' }))
  t.is(err.code, 'NotAuthorizedException')
  t.is(err.statusCode, 400)
  t.false(err.message.includes('Wrong-Horse-9!'))
})

test('login of an unknown user looks like a wrong password (PreventUserExistenceErrors, the default)', async (t) => {
  const err = await t.throwsAsync(t.context.pool.login({ username: unique('ghost'), password: PASSWORD }))
  t.is(err.code, 'NotAuthorizedException')
  t.is(err.statusCode, 400)
})

test('USER_PASSWORD_AUTH from poolData logs in without SRP, and refuses a wrong password', async (t) => {
  const user = await confirmedUser(t.context.poolData)
  const pool = cognitoUserPool({ ...t.context.poolData, AuthFlow: 'USER_PASSWORD_AUTH' })
  assertTokens(t, await pool.login({ username: user.username, password: user.password }))
  const err = await t.throwsAsync(pool.login({ username: user.username, password: 'Wrong-Horse-9!' }))
  t.is(err.code, 'NotAuthorizedException')
})

test('NEW_PASSWORD_REQUIRED: a user created by an admin sets a password, then gets tokens', async (t) => {
  const { poolData, pool } = t.context
  const username = unique('admin-made')
  await admin('AdminCreateUser', {
    UserPoolId: poolData.UserPoolId,
    Username: username,
    TemporaryPassword: 'Temp-Pass-123!',
    MessageAction: 'SUPPRESS',
  })
  const step = await pool.login({ username, password: 'Temp-Pass-123!' })
  t.deepEqual(Object.keys(step).sort(), ['loginSession', 'nextStep'])
  t.is(step.nextStep, 'NEW_PASSWORD_REQUIRED')

  const wrong = await t.throwsAsync(pool.loginNewPasswordRequired({ username, loginSession: 'not-a-session', newPassword: PASSWORD }))
  t.truthy(wrong.code)

  const tokens = await pool.loginNewPasswordRequired({
    username,
    loginSession: step.loginSession,
    newPassword: PASSWORD,
    attributes: { name: 'Admin Made' },
  })
  assertTokens(t, tokens)
  assertTokens(t, await pool.login({ username, password: PASSWORD }))
})

test('SMS MFA: login asks for MFA_AUTH, loginMfa with the SMS code gives tokens, a wrong code does not', async (t) => {
  const { poolData, pool } = t.context
  const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`
  const user = await confirmedUser(poolData, { attributes: [{ Name: 'phone_number', Value: phone }] })
  const tokens = await pool.login({ username: user.username, password: user.password })
  t.is(await pool.setMfa({ username: user.username, accessToken: tokens.accessToken, idToken: tokens.idToken, enableMfa: true }), 'SUCCESS')

  const step = await pool.login({ username: user.username, password: user.password })
  t.deepEqual(Object.keys(step).sort(), ['loginSession', 'nextStep'])
  t.is(step.nextStep, 'MFA_AUTH')
  const code = await smsCode(phone)
  const wrong = code === '000000' ? '111111' : '000000'
  const err = await t.throwsAsync(pool.loginMfa({ username: user.username, loginSession: step.loginSession, mfaCode: wrong }))
  t.is(err.code, 'CodeMismatchException')

  const again = await pool.login({ username: user.username, password: user.password })
  assertTokens(t, await pool.loginMfa({ username: user.username, loginSession: again.loginSession, mfaCode: await smsCode(phone) }))
})
