'use strict'

// A user's whole life, against the fakecloud that `npm run demo` started (FAKECLOUD_URL):
// signup, confirm, login (SRP), profile, edit, refresh, password change, logout, and proof that
// the old tokens are dead. The pool and app client are created through fakecloud's admin API.

const cognitoUserPool = require('..')
const fakecloud = require('../scripts/fakecloud.js')

const url = process.env.FAKECLOUD_URL
const mask = (token) => `${token.slice(0, 12)}… (${token.length} chars)`

async function step(title, work) {
  const started = process.hrtime.bigint()
  const result = await work()
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  console.log(`✓ ${title.padEnd(44)} ${ms.toFixed(1).padStart(7)} ms  ${typeof result === 'string' ? result : ''}`)
  return result
}

async function main() {
  if (!url) throw new Error('FAKECLOUD_URL is not set: run `npm run demo`')
  const poolData = await fakecloud.createPool(url)
  console.log(`pool ${poolData.UserPoolId}, app client ${poolData.ClientId}, Cognito at ${url}\n`)

  // The drop-in: the same factory and methods as cognito-user-pool 0.2.4 (promises when no callback).
  const pool = cognitoUserPool(poolData)
  const username = fakecloud.unique('demo-user')
  const password = 'Correct-Horse-9!'

  await step('signup', async () =>
    JSON.stringify(await pool.signup({ username, password, attributes: [{ Name: 'email', Value: `${username}@example.com` }] })),
  )
  const { confirmationCode } = await fakecloud.codes(url, poolData.UserPoolId, username)
  await step('signupConfirm (code read from fakecloud)', () => pool.signupConfirm({ username, confirmationCode }))

  const tokens = await step('login (SRP proof computed in Rust)', async () => {
    const t = await pool.login({ username, password })
    return t
  }).then((t) => {
    console.log(`    accessToken ${mask(t.accessToken)}, expires ${new Date(t.accessTokenExpiresAt * 1000).toISOString()}`)
    return t
  })
  const auth = { username, idToken: tokens.idToken, accessToken: tokens.accessToken }

  await step('profile', async () => (await pool.profile(auth)).map((a) => `${a.Name}=${a.Value}`).join(', '))
  await step('profileEdit (set name, nickname)', () =>
    pool.profileEdit({
      ...auth,
      attributes: [
        { Name: 'name', Value: 'Demo User' },
        { Name: 'nickname', Value: 'demo' },
      ],
    }),
  )
  await step('profileEdit (delete nickname)', () => pool.profileEdit({ ...auth, attributes: [{ Name: 'nickname', Value: null }] }))
  await step('profile', async () => (await pool.profile(auth)).map((a) => `${a.Name}=${a.Value}`).join(', '))

  const fresh = await step('refreshSession', async () => {
    const t = await pool.refreshSession({ username, refreshToken: tokens.refreshToken })
    return `new accessToken ${mask(t.accessToken)}`
  })
  void fresh

  await step('passwordChange', () => pool.passwordChange({ ...auth, oldPassword: password, newPassword: 'Brand-New-Pass-7!' }))
  await step('login with the old password is refused', () =>
    pool.login({ username, password }).then(
      () => {
        throw new Error('the old password still works')
      },
      (err) => `${err.code}: ${err.message}`,
    ),
  )
  const again = await step('login with the new password', async () => {
    const t = await pool.login({ username, password: 'Brand-New-Pass-7!' })
    return `accessToken ${mask(t.accessToken)}`
  })
  void again

  await step('logout (global sign-out)', () => pool.logout(auth))
  await step('profile with the old token is refused', () =>
    pool.profile(auth).then(
      () => {
        throw new Error('the old token still works')
      },
      (err) => `${err.code}: ${err.message}`,
    ),
  )
  console.log('\nThe whole life of a user ran against a local Cognito emulator.')
}

main().catch((err) => {
  console.error(`demo failed: ${err.code || ''} ${err.message}`)
  process.exitCode = 1
})
