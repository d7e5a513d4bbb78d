'use strict'

// The calling convention of SPEC section 2, for every method: callbacks exactly once and
// asynchronously, promises without a callback, coded Errors for bad input before any request.

const test = require('ava')
const http = require('node:http')
const { spawnSync } = require('node:child_process')
const path = require('node:path')
const cognitoUserPool = require('..')
const { createPool, loggedInUser, viaCallback } = require('./helpers')

const METHODS = {
  signup: { username: 'u', password: 'p' },
  signupConfirm: { username: 'u', confirmationCode: '123456' },
  signupResend: { username: 'u' },
  login: { username: 'u', password: 'p' },
  loginMfa: { username: 'u', loginSession: 's', mfaCode: '123456' },
  loginNewPasswordRequired: { username: 'u', loginSession: 's', newPassword: 'p' },
  logout: {},
  refreshSession: { username: 'u', refreshToken: 'r' },
  getMfa: {},
  setMfa: { enableMfa: true },
  profile: {},
  profileEdit: { attributes: [] },
  profileAttributeConfirm: { attribute: 'email', confirmationCode: '123456' },
  profileEditPhoneNumber: { phone_number: '+15555550100' },
  passwordChange: { oldPassword: 'a', newPassword: 'b' },
  passwordForgot: { username: 'u' },
  passwordReset: { username: 'u', passwordResetCode: '123456', newPassword: 'p' },
}
const ADDED = {
  profileAttributeResend: { attribute: 'email' },
  totpAssociate: {},
  totpVerify: { totpCode: '123456' },
  setMfaPreference: { totp: { enabled: true, preferred: true } },
  revokeToken: { refreshToken: 'r' },
  deleteUser: {},
  verifyToken: { token: 'x.y.z' },
  loginSelectMfaType: { username: 'u', loginSession: 's', mfaType: 'SOFTWARE_TOKEN_MFA' },
  loginCustomChallenge: { username: 'u', loginSession: 's', answer: '42' },
  listDevices: {},
  getUserAuthFactors: {},
  exchangeCode: { code: 'c', redirectUri: 'https://app.example/cb' },
  clientCredentials: {},
  forgetDevice: { deviceKey: 'us-east-1_abc' },
  loginMfaSetup: { username: 'u', loginSession: 'MFA_SETUP:s' },
  loginMfaSetupVerify: { username: 'u', loginSession: 'MFA_SETUP:s', totpCode: '123456' },
  confirmDevice: { deviceKey: 'us-east-1_abc', deviceGroupKey: 'g' },
  updateDeviceStatus: { deviceKey: 'us-east-1_abc', remembered: true },
  getDevice: { deviceKey: 'us-east-1_abc' },
  loginSelectChallenge: { username: 'u', loginSession: 'SELECT_CHALLENGE:s', challenge: 'EMAIL_OTP' },
  loginWebAuthn: { username: 'u', loginSession: 'WEB_AUTHN:s', credential: { id: 'c' } },
  startWebAuthnRegistration: {},
  completeWebAuthnRegistration: { credential: { id: 'c' } },
  listWebAuthnCredentials: {},
  deleteWebAuthnCredential: { credentialId: 'c' },
  adminLogin: { username: 'u', password: 'p' },
  adminCreateUser: { username: 'u' },
  adminGetUser: { username: 'u' },
  adminListGroupsForUser: { username: 'u' },
  adminDeleteUser: { username: 'u' },
  adminDisableUser: { username: 'u' },
  adminEnableUser: { username: 'u' },
  adminResetUserPassword: { username: 'u' },
  adminConfirmSignUp: { username: 'u' },
  adminUserGlobalSignOut: { username: 'u' },
  adminSetUserPassword: { username: 'u', password: 'p' },
  adminAddUserToGroup: { username: 'u', groupName: 'g' },
  adminRemoveUserFromGroup: { username: 'u', groupName: 'g' },
  adminUpdateUserAttributes: { username: 'u', attributes: [{ Name: 'name', Value: 'n' }] },
  adminDeleteUserAttributes: { username: 'u', attributeNames: ['name'] },
  adminSetUserMfaPreference: { username: 'u', totp: { enabled: true, preferred: true } },
  listUsersInGroup: { groupName: 'g' },
  getGroup: { groupName: 'g' },
  createGroup: { groupName: 'g' },
  updateGroup: { groupName: 'g' },
  deleteGroup: { groupName: 'g' },
  adminListDevices: { username: 'u' },
  adminGetDevice: { username: 'u', deviceKey: 'us-east-1_abc' },
  adminForgetDevice: { username: 'u', deviceKey: 'us-east-1_abc' },
  adminUpdateDeviceStatus: { username: 'u', deviceKey: 'us-east-1_abc', remembered: true },
  adminGetUserAuthFactors: { username: 'u' },
  adminDeleteSoftwareToken: { username: 'u' },
  adminListUserAuthEvents: { username: 'u' },
  adminUpdateAuthEventFeedback: { username: 'u', eventId: 'e', feedback: 'Valid' },
  adminLinkProviderForUser: {
    destinationUser: { providerName: 'Cognito', providerAttributeValue: 'u' },
    sourceUser: { providerName: 'Google', providerAttributeName: 'Cognito_Subject', providerAttributeValue: '123' },
  },
  adminDisableProviderForUser: { user: { providerName: 'Google', providerAttributeValue: '123' } },
  deleteUserPoolClientSecret: { clientSecretId: 's' },
  createUserImportJob: { jobName: 'j', cloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/CognitoImport' },
  startUserImportJob: { jobId: 'import-1' },
  describeUserImportJob: { jobId: 'import-1' },
  stopUserImportJob: { jobId: 'import-1' },
}
// Only optional params, so there is nothing to get wrong before a request.
const NO_REQUIRED = [
  'listUsers',
  'listGroups',
  'listUserPoolClientSecrets',
  'addUserPoolClientSecret',
  'getCsvHeader',
  'listUserImportJobs',
]
// Numbers the original took (README, "What each method accepts"): woven into strings of its own,
// or, for attributes, not an array and so ignored.
const NUMBERS_ACCEPTED = { login: ['password'], refreshSession: ['username'], profileEdit: ['attributes'] }
const AUTH_METHODS = [
  'listDevices',
  'confirmDevice',
  'updateDeviceStatus',
  'getDevice',
  'startWebAuthnRegistration',
  'completeWebAuthnRegistration',
  'listWebAuthnCredentials',
  'deleteWebAuthnCredential',
  'getUserAuthFactors',
  'forgetDevice',
  'profileAttributeResend',
  'totpAssociate',
  'totpVerify',
  'setMfaPreference',
  'deleteUser',
  'logout',
  'getMfa',
  'setMfa',
  'profile',
  'profileEdit',
  'profileAttributeConfirm',
  'profileEditPhoneNumber',
  'passwordChange',
]

// A poolData whose endpoint nothing listens on: a request sent would end in NetworkError, so an
// InvalidParameterException proves the params were refused before any request.
const offline = cognitoUserPool({ UserPoolId: 'us-east-1_Offline1', ClientId: 'client1', endpoint: 'http://127.0.0.1:9', timeout: 3000 })

test('the factory exposes the 17 methods of the original, the added ones, and never throws', (t) => {
  t.is(Object.keys(METHODS).length, 17)
  // `verifier`, `sessions`, `paginate` and `importUsers` are the members that are no
  // `(params, callback)` method: they make a token verifier, a session layer, an iterable of a
  // list call's pages, and run a whole import job.
  t.deepEqual(
    Object.getOwnPropertyNames(Object.getPrototypeOf(offline))
      .filter((n) => n !== 'constructor')
      .sort(),
    [...Object.keys(METHODS), ...Object.keys(ADDED), ...NO_REQUIRED, 'verifier', 'sessions', 'paginate', 'importUsers'].sort(),
  )
  for (const bad of [
    undefined,
    null,
    42,
    'x',
    [],
    { UserPoolId: 7 },
    {
      get UserPoolId() {
        throw new Error('x')
      },
    },
  ]) {
    t.notThrows(() => cognitoUserPool(bad))
  }
})

test('index.d.ts declares exactly the methods of the native registry', (t) => {
  const { methodNames } = require('../binding.js')
  const types = require('node:fs').readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8')
  const pool = types.slice(types.indexOf('export interface CognitoUserPool {'))
  const body = pool.slice(0, pool.indexOf('\n  }\n'))
  const declared = [...body.matchAll(/^ {4}(\w+): Method</gm)].map((m) => m[1])
  t.deepEqual(declared.sort(), [...methodNames()].sort())
  t.is(new Set(methodNames()).size, methodNames().length, 'no name twice')
})

test('bad poolData is reported through the callback of the first call, with a code', async (t) => {
  for (const [poolData, field] of [
    [undefined, 'poolData'],
    [
      {
        get UserPoolId() {
          throw new Error('x')
        },
      },
      'poolData',
    ],
    [{ ClientId: 'c' }, 'UserPoolId'],
    [{ UserPoolId: 'nounderscore', ClientId: 'c' }, 'UserPoolId'],
    [{ UserPoolId: 'us-east-1_abc' }, 'ClientId'],
    [{ UserPoolId: 'us-east-1_abc', ClientId: 'c', timeout: 'soon' }, 'timeout'],
    // A URL's credentials are sent by no request and would show in trace events: refused.
    [{ UserPoolId: 'us-east-1_abc', ClientId: 'c', endpoint: 'http://u:secret@127.0.0.1:9' }, 'endpoint'],
    [{ UserPoolId: 'us-east-1_abc', ClientId: 'c', jwksUrl: 'https://u:secret@keys.example/jwks.json' }, 'jwksUrl'],
    [{ UserPoolId: 'us-east-1_abc', ClientId: 'c', domain: 'https://u:secret@auth.example' }, 'domain'],
  ]) {
    const { err, result, calls } = await viaCallback(cognitoUserPool(poolData), 'login', { username: 'u', password: 'p' })
    t.true(err instanceof Error)
    t.is(err.code, 'InvalidParameterException')
    t.is(err.name, 'InvalidParameterException')
    t.true(err.message.includes(field), err.message)
    t.false(err.message.includes('secret'), err.message)
    t.is(result, undefined)
    t.is(calls, 1)
  }
})

for (const [method, valid] of Object.entries({ ...METHODS, ...ADDED })) {
  test(`${method}: missing or mistyped params give InvalidParameterException before any request`, async (t) => {
    const needsAuth = AUTH_METHODS.includes(method)
    // A token that decodes, so only the field under test is wrong.
    const jwt = ['{"alg":"none"}', '{"exp":1}', ''].map((p) => Buffer.from(p).toString('base64url')).join('.')
    const auth = needsAuth ? { username: 'u', accessToken: `${jwt}sig` } : {}
    // Optional as in the original (README, "What each method accepts").
    const optional = ['enableMfa', 'phone_number', 'attributes']
    const cases = [null, 'params', 42, [], {}]
    for (const field of Object.keys(valid)) {
      const { [field]: _omitted, ...rest } = valid
      if (!optional.includes(field)) cases.push({ ...auth, ...rest })
      if (!(NUMBERS_ACCEPTED[method] || []).includes(field)) cases.push({ ...auth, ...valid, [field]: 12345 })
    }
    if (needsAuth) {
      cases.push(
        { ...valid, accessToken: auth.accessToken }, // no username
        { ...valid, username: 'u' }, // no token
        { ...valid, username: 'u', accessToken: 'garbage' },
        { ...valid, username: 'u', accessToken: 12345 },
        { ...valid, username: 'u', refreshToken: 12345 },
      )
    }
    for (const params of cases) {
      const { err, result, calls } = await viaCallback(offline, method, params)
      t.true(err instanceof Error, `${method} ${JSON.stringify(params)}`)
      t.is(err.code, 'InvalidParameterException', `${method} ${JSON.stringify(params)}: ${err.message}`)
      t.is(err.statusCode, 400)
      t.is(result, undefined)
      t.is(calls, 1)
      t.false(err.message.includes('12345'), 'the message never quotes a value')
    }
  })
}

test('a missing access token says "User is not authenticated", as the original did', async (t) => {
  const err = await t.throwsAsync(offline.profile({ username: 'u' }))
  t.is(err.code, 'InvalidParameterException')
  t.regex(err.message, /^User is not authenticated/)
})

test('callbacks run asynchronously, once, with null as err on success; without a callback a Promise', async (t) => {
  const poolData = await createPool()
  const pool = cognitoUserPool(poolData)
  const user = await loggedInUser(poolData)
  let sync = true
  const outcome = viaCallback(pool, 'profile', user.auth)
  sync = false
  const { err, result, calls, returned } = await outcome
  t.false(sync)
  t.is(err, null)
  t.is(calls, 1)
  t.is(returned, undefined)
  t.true(Array.isArray(result))
  const promised = pool.profile(user.auth)
  t.true(promised instanceof Promise)
  t.deepEqual(await promised, result)
})

test('server errors carry code, name, message, statusCode and retryable', async (t) => {
  const poolData = await createPool()
  const err = await t.throwsAsync(cognitoUserPool(poolData).login({ username: 'nobody-here', password: 'Wrong-Pass-1!' }))
  t.true(err instanceof Error)
  t.true(['UserNotFoundException', 'NotAuthorizedException'].includes(err.code), err.code)
  t.is(err.name, err.code)
  t.is(err.statusCode, 400)
  t.is(err.retryable, false)
  t.truthy(err.message)
})

test('a refused connection is a NetworkError through the callback', async (t) => {
  const { err, calls } = await viaCallback(offline, 'login', { username: 'u', password: 'p' })
  t.is(err.code, 'NetworkError')
  t.is(err.retryable, true)
  t.is(calls, 1)
})

test('a server that never answers ends in NetworkError within poolData.timeout', async (t) => {
  const sockets = new Set()
  const server = http.createServer(() => {}) // accepts, never answers
  server.on('connection', (s) => sockets.add(s))
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  const pool = cognitoUserPool({
    UserPoolId: 'us-east-1_Silent1',
    ClientId: 'c',
    endpoint: `http://127.0.0.1:${server.address().port}`,
    timeout: 500,
  })
  const started = Date.now()
  const err = await t.throwsAsync(pool.signupResend({ username: 'u' }))
  const elapsed = Date.now() - started
  for (const s of sockets) s.destroy()
  server.close()
  t.is(err.code, 'NetworkError')
  t.true(elapsed < 5000, `took ${elapsed} ms`)
})

test('an exception thrown by a callback is an ordinary uncaught exception, not swallowed', (t) => {
  const script = `
    const pool = require(${JSON.stringify(path.join(__dirname, '..'))})({})
    process.on('uncaughtException', (e) => { console.log('uncaught:' + e.message); process.exit(0) })
    process.on('unhandledRejection', () => { console.log('swallowed into a promise'); process.exit(1) })
    pool.profile({}, () => { throw new Error('boom') })
  `
  const out = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20000 })
  t.is(out.stdout.trim(), 'uncaught:boom', out.stderr)
})

test('a callback that is not a function is a TypeError, as in Node core', (t) => {
  const err = t.throws(() => offline.profile({}, 'not a function'))
  t.is(err.code, 'ERR_INVALID_ARG_TYPE')
})
