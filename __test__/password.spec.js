'use strict'

const test = require('ava')
const cognitoUserPool = require('..')
const { createPool, loggedInUser, confirmedUser, codes, unique } = require('./helpers')

const NEW_PASSWORD = 'Brand-New-Pass-7!'

test.before(async (t) => {
  t.context.poolData = await createPool()
  t.context.pool = cognitoUserPool(t.context.poolData)
})

test('passwordChange: SUCCESS, then only the new password logs in', async (t) => {
  const { pool } = t.context
  const user = await loggedInUser(t.context.poolData)
  t.is(await pool.passwordChange({ ...user.auth, oldPassword: user.password, newPassword: NEW_PASSWORD }), 'SUCCESS')
  await t.notThrowsAsync(pool.login({ username: user.username, password: NEW_PASSWORD }))
  const err = await t.throwsAsync(pool.login({ username: user.username, password: user.password }))
  t.is(err.code, 'NotAuthorizedException')
})

test('passwordChange with a wrong old password is NotAuthorizedException', async (t) => {
  const user = await loggedInUser(t.context.poolData)
  const err = await t.throwsAsync(t.context.pool.passwordChange({ ...user.auth, oldPassword: 'Not-The-Old-1!', newPassword: NEW_PASSWORD }))
  t.is(err.code, 'NotAuthorizedException')
  t.false(err.message.includes('Not-The-Old-1!'))
})

test('passwordForgot sends a code; passwordReset with it sets the new password', async (t) => {
  const { pool, poolData } = t.context
  const user = await confirmedUser(poolData)
  const sent = await pool.passwordForgot({ username: user.username })
  t.is(sent.CodeDeliveryDetails.DeliveryMedium, 'EMAIL')
  t.is(sent.CodeDeliveryDetails.AttributeName, 'email')
  const { confirmationCode } = await codes(poolData.UserPoolId, user.username)
  const wrong = confirmationCode === '000000' ? '111111' : '000000'
  const err = await t.throwsAsync(pool.passwordReset({ username: user.username, passwordResetCode: wrong, newPassword: NEW_PASSWORD }))
  t.is(err.code, 'CodeMismatchException')
  t.is(await pool.passwordReset({ username: user.username, passwordResetCode: confirmationCode, newPassword: NEW_PASSWORD }), 'SUCCESS')
  await t.notThrowsAsync(pool.login({ username: user.username, password: NEW_PASSWORD }))
})

test('passwordForgot of an unknown user is UserNotFoundException', async (t) => {
  const err = await t.throwsAsync(t.context.pool.passwordForgot({ username: unique('ghost') }))
  t.is(err.code, 'UserNotFoundException')
})
