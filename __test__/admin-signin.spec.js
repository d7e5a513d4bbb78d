'use strict'

// The server-side sign-in (adminLogin: AdminInitiateAuth with ADMIN_USER_PASSWORD_AUTH, signed
// with the process's credentials) against fakecloud, its challenges answered by the same methods
// as login's through AdminRespondToAuthChallenge, seen on the wire through the recording proxy.

const test = require('ava')
const cognitoUserPool = require('..')
const { createPool, confirmedUser, recordingProxy, unique, PASSWORD } = require('./helpers')

const FLOWS = ['ALLOW_ADMIN_USER_PASSWORD_AUTH']

test.before(async (t) => {
  t.context.poolData = await createPool({ flows: FLOWS })
  t.context.secretPoolData = await createPool({ flows: FLOWS, secret: true })
})

const isTokens = (t, result) => {
  t.deepEqual(Object.keys(result).sort(), ['accessToken', 'accessTokenExpiresAt', 'idToken', 'idTokenExpiresAt', 'refreshToken'])
}

test('adminLogin signs in through AdminInitiateAuth; a wrong password and an unknown user are coded errors', async (t) => {
  for (const poolData of [t.context.poolData, t.context.secretPoolData]) {
    const proxy = await recordingProxy()
    t.teardown(() => proxy.close())
    const pool = cognitoUserPool({ ...poolData, endpoint: proxy.url })
    const user = await confirmedUser(poolData)
    isTokens(t, await pool.adminLogin({ username: user.username, password: PASSWORD }))
    t.deepEqual(proxy.operations, ['AdminInitiateAuth'])
    const body = JSON.parse(proxy.bodies[0])
    t.is(body.AuthFlow, 'ADMIN_USER_PASSWORD_AUTH')
    t.is(body.UserPoolId, poolData.UserPoolId)
    t.is('SECRET_HASH' in body.AuthParameters, Boolean(poolData.ClientSecret), 'SECRET_HASH with a client secret')
    t.is((await t.throwsAsync(pool.adminLogin({ username: user.username, password: 'Wrong-Pass-1!' }))).code, 'NotAuthorizedException')
    const missing = await t.throwsAsync(pool.adminLogin({ username: unique('nobody'), password: PASSWORD }))
    t.true(['UserNotFoundException', 'NotAuthorizedException'].includes(missing.code), missing.code)
  }
})

test('a user created by an admin: NEW_PASSWORD_REQUIRED, answered by loginNewPasswordRequired through AdminRespondToAuthChallenge', async (t) => {
  const { poolData } = t.context
  const proxy = await recordingProxy()
  t.teardown(() => proxy.close())
  const pool = cognitoUserPool({ ...poolData, endpoint: proxy.url })
  const username = unique('created')
  await cognitoUserPool(poolData).adminCreateUser({ username, temporaryPassword: 'Temp-Pass-123!', suppressMessage: true })
  const step = await pool.adminLogin({ username, password: 'Temp-Pass-123!' })
  t.is(step.nextStep, 'NEW_PASSWORD_REQUIRED')
  t.regex(step.loginSession, /^ADMIN:NEW_PASSWORD_REQUIRED:/)
  isTokens(t, await pool.loginNewPasswordRequired({ username, loginSession: step.loginSession, newPassword: PASSWORD }))
  t.deepEqual(proxy.operations, ['AdminInitiateAuth', 'AdminRespondToAuthChallenge'])
  isTokens(t, await pool.adminLogin({ username, password: PASSWORD }))
})

test('SMS MFA: adminLogin asks for MFA_AUTH, loginMfa answers it through the admin operation', async (t) => {
  // fakecloud sends no SMS code in the admin flow (it records none to read back), so the answer
  // here is a wrong code: refused by AdminRespondToAuthChallenge, which proves where it went.
  const { poolData } = t.context
  const proxy = await recordingProxy()
  t.teardown(() => proxy.close())
  const pool = cognitoUserPool({ ...poolData, endpoint: proxy.url })
  const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`
  const user = await confirmedUser(poolData, { attributes: [{ Name: 'phone_number', Value: phone }] })
  const tokens = await pool.adminLogin({ username: user.username, password: PASSWORD })
  await pool.setMfa({ username: user.username, accessToken: tokens.accessToken, enableMfa: true })
  const step = await pool.adminLogin({ username: user.username, password: PASSWORD })
  t.is(step.nextStep, 'MFA_AUTH')
  t.regex(step.loginSession, /^ADMIN:SMS_MFA:/)
  const err = await t.throwsAsync(pool.loginMfa({ username: user.username, loginSession: step.loginSession, mfaCode: '000000' }))
  t.is(err.code, 'CodeMismatchException')
  t.is(proxy.operations.at(-1), 'AdminRespondToAuthChallenge')
  t.is(JSON.parse(proxy.bodies.at(-1)).ChallengeName, 'SMS_MFA')
})

test('bad input is refused before any request: no password, a contextData without its fields; a client without the flow is refused by Cognito', async (t) => {
  const proxy = await recordingProxy()
  t.teardown(() => proxy.close())
  const pool = cognitoUserPool({ ...t.context.poolData, endpoint: proxy.url })
  for (const params of [
    { username: 'x' },
    { username: 'x', password: undefined },
    { password: PASSWORD },
    { username: 'x', password: PASSWORD, contextData: { ipAddress: '192.0.2.1' } },
    { username: 'x', password: PASSWORD, contextData: 'no' },
  ]) {
    const err = await t.throwsAsync(pool.adminLogin(params))
    t.is(err.code, 'InvalidParameterException', JSON.stringify(params))
    t.is(err.statusCode, 400)
  }
  t.deepEqual(proxy.operations, [])
  const user = await confirmedUser(t.context.poolData)
  const contextData = { ipAddress: '192.0.2.1', serverName: 'app.example.com', serverPath: '/login', httpHeaders: { 'user-agent': 'test' } }
  isTokens(t, await pool.adminLogin({ username: user.username, password: PASSWORD, contextData }))
  t.deepEqual(JSON.parse(proxy.bodies.at(-1)).ContextData, {
    IpAddress: '192.0.2.1',
    ServerName: 'app.example.com',
    ServerPath: '/login',
    HttpHeaders: [{ headerName: 'user-agent', headerValue: 'test' }],
  })
  const plain = await createPool()
  const other = await confirmedUser(plain)
  const refused = await t.throwsAsync(cognitoUserPool(plain).adminLogin({ username: other.username, password: PASSWORD }))
  t.true(['InvalidParameterException', 'NotAuthorizedException'].includes(refused.code), refused.code)
})
