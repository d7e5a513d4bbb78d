'use strict'

const test = require('ava')
const cognitoUserPool = require('..')
const { createPool, codes, unique, PASSWORD } = require('./helpers')

test.before(async (t) => {
  t.context.poolData = await createPool()
  t.context.pool = cognitoUserPool(t.context.poolData)
})

test('signup resolves { username }; a second signup of the name is UsernameExistsException', async (t) => {
  const { pool } = t.context
  const username = unique('alice')
  const result = await pool.signup({ username, password: PASSWORD, attributes: [{ Name: 'email', Value: `${username}@example.com` }] })
  t.deepEqual(result, { username })
  const err = await t.throwsAsync(pool.signup({ username, password: PASSWORD }))
  t.is(err.code, 'UsernameExistsException')
})

test('signup with a password the policy refuses is InvalidPasswordException', async (t) => {
  const err = await t.throwsAsync(t.context.pool.signup({ username: unique('weak'), password: 'short' }))
  t.is(err.code, 'InvalidPasswordException')
  t.false(err.message.includes('short'))
})

test('signupConfirm resolves SUCCESS with the right code, CodeMismatchException with a wrong one', async (t) => {
  const { pool, poolData } = t.context
  const username = unique('bob')
  await pool.signup({ username, password: PASSWORD, attributes: [{ Name: 'email', Value: `${username}@example.com` }] })
  const { confirmationCode } = await codes(poolData.UserPoolId, username)
  const wrong = confirmationCode === '000000' ? '111111' : '000000'
  const err = await t.throwsAsync(pool.signupConfirm({ username, confirmationCode: wrong }))
  t.is(err.code, 'CodeMismatchException')
  t.is(await pool.signupConfirm({ username, confirmationCode }), 'SUCCESS')
})

test('signupConfirm of an unknown user is UserNotFoundException', async (t) => {
  const err = await t.throwsAsync(t.context.pool.signupConfirm({ username: unique('ghost'), confirmationCode: '123456' }))
  t.is(err.code, 'UserNotFoundException')
})

test('signupResend resolves the CodeDeliveryDetails and issues a new code', async (t) => {
  const { pool, poolData } = t.context
  const username = unique('carol')
  await pool.signup({ username, password: PASSWORD, attributes: [{ Name: 'email', Value: `${username}@example.com` }] })
  const result = await pool.signupResend({ username })
  t.is(result.CodeDeliveryDetails.DeliveryMedium, 'EMAIL')
  t.is(result.CodeDeliveryDetails.AttributeName, 'email')
  t.is(typeof result.CodeDeliveryDetails.Destination, 'string')
  const { confirmationCode } = await codes(poolData.UserPoolId, username)
  t.is(await pool.signupConfirm({ username, confirmationCode }), 'SUCCESS')
})

test('signupResend of an unknown user is UserNotFoundException', async (t) => {
  const err = await t.throwsAsync(t.context.pool.signupResend({ username: unique('ghost') }))
  t.is(err.code, 'UserNotFoundException')
})
