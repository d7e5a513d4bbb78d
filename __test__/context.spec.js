'use strict'

// clientMetadata and userContext, proved by what reaches the wire (a recording proxy in front of
// fakecloud, which ignores both): every operation that takes ClientMetadata or UserContextData
// sends what the call (and poolData) gave, the others send neither, and malformed ones are refused
// by name before any request.

const test = require('ava')
const cognitoUserPool = require('..')
const { codes, createPool, loggedInUser, recordingProxy, unique, PASSWORD } = require('./helpers')

const META = { source: 'checkout', locale: 'fr-FR' }
const USER = { ipAddress: '203.0.113.7', encodedData: 'device-fingerprint' }
const context = { clientMetadata: META, userContext: USER }

/** The operations the proxy saw since `from`, each with what its body carried. */
function sent(proxy, from) {
  return proxy.bodies.slice(from).map((body, i) => {
    const json = JSON.parse(body || '{}')
    return { op: proxy.operations[from + i], metadata: json.ClientMetadata, user: json.UserContextData }
  })
}

/** Runs `[method, run, ops]` and checks that exactly `ops` reached the wire, each carrying `expected`. */
async function expectSent(t, proxy, [method, run, ops], expected) {
  const from = proxy.bodies.length
  await run()
  const seen = sent(proxy, from)
  t.deepEqual(
    seen.map((s) => s.op),
    ops,
    method,
  )
  for (const s of seen) t.deepEqual({ metadata: s.metadata, user: s.user }, expected, `${method}: ${s.op}`)
}

test.before(async (t) => {
  t.context.poolData = await createPool()
  t.context.proxy = await recordingProxy()
  t.context.pool = cognitoUserPool({ ...t.context.poolData, endpoint: t.context.proxy.url, clientMetadata: { app: 'web', source: 'pool' } })
})
test.after.always((t) => t.context.proxy.close())

test.serial("every operation that takes them sends ClientMetadata (over poolData's) and UserContextData; the others neither", async (t) => {
  const { pool, proxy, poolData } = t.context
  const merged = { app: 'web', ...META }
  const username = unique('ctx')
  const calls = [
    [
      'signup',
      () => pool.signup({ username, password: PASSWORD, attributes: [{ Name: 'email', Value: `${username}@example.com` }], ...context }),
      ['SignUp'],
    ],
    ['signupResend', () => pool.signupResend({ username, ...context }), ['ResendConfirmationCode']],
    [
      'signupConfirm',
      async () =>
        pool.signupConfirm({ username, confirmationCode: (await codes(poolData.UserPoolId, username)).confirmationCode, ...context }),
      ['ConfirmSignUp'],
    ],
    ['login', () => pool.login({ username, password: PASSWORD, ...context }), ['InitiateAuth', 'RespondToAuthChallenge']],
    ['passwordForgot', () => pool.passwordForgot({ username, ...context }), ['ForgotPassword']],
    [
      'passwordReset',
      async () =>
        pool.passwordReset({
          username,
          passwordResetCode: (await codes(poolData.UserPoolId, username)).confirmationCode,
          newPassword: PASSWORD,
          ...context,
        }),
      ['ConfirmForgotPassword'],
    ],
  ]
  const both = { metadata: merged, user: { IpAddress: USER.ipAddress, EncodedData: USER.encodedData } }
  for (const call of calls) await expectSent(t, proxy, call, both)

  const tokens = await pool.login({ username, password: PASSWORD })
  const auth = { username, refreshToken: tokens.refreshToken }
  const metadataOnly = [
    ['refreshSession', () => pool.refreshSession({ ...auth, ...context }), ['GetTokensFromRefreshToken']],
    [
      'profileEdit',
      () => pool.profileEdit({ ...auth, attributes: [{ Name: 'name', Value: 'Ctx' }], ...context }),
      ['GetTokensFromRefreshToken', 'UpdateUserAttributes'],
    ],
    [
      'profileAttributeResend',
      () => pool.profileAttributeResend({ ...auth, attribute: 'email', ...context }),
      ['GetTokensFromRefreshToken', 'GetUserAttributeVerificationCode'],
    ],
    [
      'profileEditPhoneNumber',
      () => pool.profileEditPhoneNumber({ ...auth, phone_number: '+15555550123', ...context }),
      ['GetTokensFromRefreshToken', 'UpdateUserAttributes'],
    ],
    [
      'adminCreateUser',
      () => pool.adminCreateUser({ username: unique('ctx-admin'), temporaryPassword: 'Temp-Pass-123!', suppressMessage: true, ...context }),
      ['AdminCreateUser'],
    ],
    ['adminResetUserPassword', () => pool.adminResetUserPassword({ username, ...context }), ['AdminResetUserPassword']],
  ]
  const unconfirmed = unique('ctx-unconfirmed')
  await cognitoUserPool(poolData).signup({
    username: unconfirmed,
    password: PASSWORD,
    attributes: [{ Name: 'email', Value: `${unconfirmed}@example.com` }],
  })
  metadataOnly.push(['adminConfirmSignUp', () => pool.adminConfirmSignUp({ username: unconfirmed, ...context }), ['AdminConfirmSignUp']])
  for (const call of metadataOnly) await expectSent(t, proxy, call, { metadata: merged, user: undefined })

  // A challenge answer: every one goes through the same RespondToAuthChallenge request.
  const invited = unique('ctx-invited')
  await pool.adminCreateUser({ username: invited, temporaryPassword: 'Temp-Pass-123!', suppressMessage: true })
  const step = await pool.login({ username: invited, password: 'Temp-Pass-123!' })
  t.is(step.nextStep, 'NEW_PASSWORD_REQUIRED')
  const from = proxy.bodies.length
  await pool.loginNewPasswordRequired({ username: invited, loginSession: step.loginSession, newPassword: PASSWORD, ...context })
  t.deepEqual(
    sent(proxy, from).map((s) => [s.op, s.metadata, s.user]),
    [['RespondToAuthChallenge', merged, { IpAddress: USER.ipAddress, EncodedData: USER.encodedData }]],
  )

  const fresh = await pool.login({ username: (await loggedInUser(poolData)).username, password: PASSWORD })
  const neither = [
    ['profile', () => pool.profile({ username, accessToken: fresh.accessToken, ...context }), ['GetUser']],
    [
      'passwordChange',
      () => pool.passwordChange({ username, accessToken: fresh.accessToken, oldPassword: PASSWORD, newPassword: PASSWORD, ...context }),
      ['ChangePassword'],
    ],
    ['adminGetUser', () => pool.adminGetUser({ username, ...context }), ['AdminGetUser']],
  ]
  for (const call of neither) await expectSent(t, proxy, call, { metadata: undefined, user: undefined })
})

test.serial('malformed clientMetadata or userContext: a coded error naming the field, nothing sent', async (t) => {
  const { pool, proxy } = t.context
  const from = proxy.bodies.length
  for (const [params, field] of [
    [{ clientMetadata: 'x' }, 'clientMetadata'],
    [{ clientMetadata: { n: 1 } }, 'clientMetadata.n'],
    [{ clientMetadata: { big: 10n } }, 'clientMetadata.big'],
    [{ userContext: {} }, 'userContext'],
    [{ userContext: { ipAddress: 7 } }, 'userContext.ipAddress'],
    [{ clientMetadata: { k: 'v'.repeat(20000) } }, 'clientMetadata'],
  ]) {
    const err = await t.throwsAsync(pool.signupResend({ username: 'someone', ...params }))
    t.is(err.code, 'InvalidParameterException')
    t.is(err.statusCode, 400)
    t.true(err.message.startsWith(field), `${err.message} names ${field}`)
    t.false(err.message.includes('device-fingerprint'))
  }
  t.is(proxy.bodies.length, from, 'nothing reached the wire')
  const badPool = cognitoUserPool({ ...t.context.poolData, clientMetadata: { n: 1 } })
  t.regex((await t.throwsAsync(badPool.signupResend({ username: 'u' }))).message, /poolData\.clientMetadata/)
})
