'use strict'

// Nothing secret (password, confirmation code, token, client secret) appears in an error message,
// in util.inspect of an error or of a wrapper, or on the wrapper's enumerable properties.

const test = require('ava')
const util = require('node:util')
const cognitoUserPool = require('..')
const { createPool, loggedInUser, confirmedUser, codes } = require('./helpers')

const SECRET_POOL = {
  UserPoolId: 'us-east-1_Secret1',
  ClientId: 'client1',
  ClientSecret: 'top-secret-client-value',
  endpoint: 'http://127.0.0.1:9',
  timeout: 500,
}

function assertClean(t, value, secrets) {
  const printed = [util.inspect(value, { depth: 5, showHidden: true }), String(value && value.message), JSON.stringify(value)].join('\n')
  for (const secret of secrets) t.false(printed.includes(secret), `leaked ${secret.slice(0, 6)}...`)
}

test('the wrapper shows nothing of poolData, its secret above all', (t) => {
  const pool = cognitoUserPool(SECRET_POOL)
  t.deepEqual(Object.keys(pool), [])
  t.is(JSON.stringify(pool), '{}')
  assertClean(t, pool, ['top-secret-client-value'])
})

test('errors never carry the password, codes or tokens given to the call', async (t) => {
  const poolData = await createPool()
  const pool = cognitoUserPool(poolData)
  const user = await loggedInUser(poolData)
  const secrets = [user.tokens.accessToken, user.tokens.refreshToken, user.tokens.idToken, 'Wrong-Horse-9!']

  const wrongPassword = await t.throwsAsync(pool.login({ username: user.username, password: 'Wrong-Horse-9!' }))
  assertClean(t, wrongPassword, secrets)

  const wrongOld = await t.throwsAsync(pool.passwordChange({ ...user.auth, oldPassword: 'Wrong-Horse-9!', newPassword: 'Other-Horse-9!' }))
  assertClean(t, wrongOld, [...secrets, 'Other-Horse-9!'])

  await pool.logout(user.auth)
  const deadToken = await t.throwsAsync(pool.profile(user.auth))
  assertClean(t, deadToken, secrets)
  const deadRefresh = await t.throwsAsync(pool.refreshSession({ username: user.username, refreshToken: user.tokens.refreshToken }))
  assertClean(t, deadRefresh, secrets)

  const other = await confirmedUser(poolData)
  await pool.passwordForgot({ username: other.username })
  const { confirmationCode } = await codes(poolData.UserPoolId, other.username)
  const wrongCode = String((Number(confirmationCode) + 1) % 1e6).padStart(6, '0')
  const mismatch = await t.throwsAsync(
    pool.passwordReset({ username: other.username, passwordResetCode: wrongCode, newPassword: 'Other-Horse-9!' }),
  )
  assertClean(t, mismatch, [wrongCode, confirmationCode, 'Other-Horse-9!'])
})

test('bad params and network errors never quote values, with a client secret set', async (t) => {
  const pool = cognitoUserPool(SECRET_POOL)
  const secrets = ['top-secret-client-value', 'hunter2-password', 'eyJhbGciOi.forged.token']
  for (const [method, params] of [
    ['login', { username: 'u', password: 'hunter2-password' }],
    ['login', { username: 'u', password: 4242424242 }],
    ['profile', { username: 'u', accessToken: 'eyJhbGciOi.forged.token' }],
    ['passwordReset', { username: 'u', passwordResetCode: 'hunter2-password', newPassword: 'hunter2-password' }],
    [
      'login',
      {
        username: 'u',
        password: 'hunter2-password',
        clientMetadata: { otp: 'hunter2-password' },
        userContext: { encodedData: 'hunter2-password' },
      },
    ],
    ['signupResend', { username: 'u', clientMetadata: { otp: 4242424242 } }],
    [
      'login',
      { username: 'u', password: 'hunter2-password', device: { deviceKey: 'k', deviceGroupKey: 'g', devicePassword: 'hunter2-password' } },
    ],
    ['login', { username: 'u', device: { deviceGroupKey: 'g', devicePassword: 'hunter2-password' } }],
    ['loginSelectChallenge', { username: 'u', loginSession: 'hunter2-password', challenge: 'PASSWORD', password: 'hunter2-password' }],
    ['loginWebAuthn', { username: 'u', loginSession: 'hunter2-password', credential: { response: { signature: 'hunter2-password' } } }],
    ['loginWebAuthn', { username: 'u', loginSession: 'WEB_AUTHN:s', credential: '{"hunter2-password"' }],
    ['confirmDevice', { username: 'u', accessToken: 'eyJhbGciOi.forged.token', deviceKey: 'k', deviceGroupKey: 'g' }],
    [
      'completeWebAuthnRegistration',
      { username: 'u', accessToken: 'eyJhbGciOi.forged.token', credential: { response: { attestationObject: 'hunter2-password' } } },
    ],
    ['signupResend', { username: 'u', userContext: { ipAddress: 'hunter2-password', encodedData: 4242424242 } }],
  ]) {
    const err = await t.throwsAsync(pool[method](params))
    assertClean(t, err, [...secrets, '4242424242'])
  }
})
