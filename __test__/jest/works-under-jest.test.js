'use strict'

// The original's users test with Jest, which runs each test file in its own realm: results and
// Errors must belong to that realm (`instanceof Error`, `Array.isArray`, `toEqual`).

const cognitoUserPool = require('../..')
const { createPool, loggedInUser } = require('../helpers')

test('login, profile and a coded error work under Jest, in the test realm', async () => {
  const poolData = await createPool()
  const pool = cognitoUserPool(poolData)
  const user = await loggedInUser(poolData)

  const profile = await pool.profile(user.auth)
  expect(profile).toBeInstanceOf(Array)
  expect(profile).toEqual(expect.arrayContaining([{ Name: 'email', Value: user.email }]))

  const err = await new Promise((resolve) => pool.login({ username: user.username, password: 'Wrong-Horse-9!' }, resolve))
  expect(err).toBeInstanceOf(Error)
  expect(err.code).toBe('NotAuthorizedException')

  const bad = await pool.login({}).catch((e) => e)
  expect(bad).toBeInstanceOf(Error)
  expect(bad.code).toBe('InvalidParameterException')
})
