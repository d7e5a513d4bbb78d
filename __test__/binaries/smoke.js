'use strict'

// Real calls through the facade with whatever binary NAPI_RS_NATIVE_LIBRARY_PATH names, against
// the fakecloud at FAKECLOUD_URL: run by scripts/check-binaries.js under each Node it checks
// (the arm64 ones under qemu-user). Prints one line per check and `N passed, N failed`.

const assert = require('node:assert/strict')
const cognitoUserPool = require('../..')
const fakecloud = require('../../scripts/fakecloud.js')

const url = process.env.FAKECLOUD_URL
const binary = process.env.NAPI_RS_NATIVE_LIBRARY_PATH
const TOKEN_KEYS = ['accessToken', 'accessTokenExpiresAt', 'idToken', 'idTokenExpiresAt', 'refreshToken']

async function main() {
  if (!url || !binary) throw new Error('FAKECLOUD_URL and NAPI_RS_NATIVE_LIBRARY_PATH must be set')
  const poolData = await fakecloud.createPool(url)
  const pool = cognitoUserPool({ ...poolData, jwksUrl: `${url}/${poolData.UserPoolId}/.well-known/jwks.json` })
  const username = fakecloud.unique('smoke')
  const password = 'Correct-Horse-9!'
  const email = `${username}@example.com`
  let tokens
  const checks = [
    ['the addon loaded is the one given', () => assert.equal(require.cache[require.resolve(binary)] !== undefined, true)],
    [
      'signup',
      async () => assert.deepEqual(await pool.signup({ username, password, attributes: [{ Name: 'email', Value: email }] }), { username }),
    ],
    [
      'signupConfirm',
      async () => {
        const { confirmationCode } = await fakecloud.codes(url, poolData.UserPoolId, username)
        assert.equal(await pool.signupConfirm({ username, confirmationCode }), 'SUCCESS')
      },
    ],
    [
      'login (SRP)',
      async () => {
        tokens = await pool.login({ username, password })
        assert.deepEqual(Object.keys(tokens).sort(), TOKEN_KEYS)
      },
    ],
    [
      'profile',
      async () => {
        const attributes = await pool.profile({ username, idToken: tokens.idToken, accessToken: tokens.accessToken })
        assert.equal(attributes.find((a) => a.Name === 'email').Value, email)
      },
    ],
    [
      'refreshSession',
      async () =>
        assert.deepEqual(Object.keys(await pool.refreshSession({ username, refreshToken: tokens.refreshToken })).sort(), TOKEN_KEYS),
    ],
    [
      'verifyToken (RS256 against the JWKS)',
      async () => assert.equal((await pool.verifyToken({ token: tokens.idToken }))['cognito:username'], username),
    ],
    [
      'a wrong password is NotAuthorizedException',
      async () => {
        const err = await pool.login({ username, password: 'Wrong-Horse-9!' }).catch((e) => e)
        assert.ok(err instanceof Error)
        assert.equal(err.code, 'NotAuthorizedException')
      },
    ],
    [
      'bad params are InvalidParameterException, by callback',
      () =>
        new Promise((resolve, reject) => {
          pool.login({ password }, (err) => {
            try {
              assert.equal(err.code, 'InvalidParameterException')
              resolve()
            } catch (e) {
              reject(e)
            }
          })
        }),
    ],
  ]
  let passed = 0
  let failed = 0
  for (const [name, check] of checks) {
    try {
      await check()
      passed += 1
      console.log(`ok - ${name}`)
    } catch (err) {
      failed += 1
      console.log(`not ok - ${name}: ${err.code || ''} ${err.message}`)
    }
  }
  console.log(`${passed} passed, ${failed} failed`)
  process.exitCode = failed ? 1 : 0
}

main().catch((err) => {
  console.log(`not ok - setup: ${err.message}`)
  process.exitCode = 1
})
