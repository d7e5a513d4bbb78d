'use strict'

// Admin calls, signed with the (dummy) credentials `npm test` puts in the environment.

const test = require('ava')
const cognitoUserPool = require('..')
const { admin, createPool, unique, PASSWORD } = require('./helpers')

test('a backend manages users: create, get, list, password, groups, disable/enable, sign-out, delete', async (t) => {
  const poolData = await createPool()
  const pool = cognitoUserPool(poolData)
  const username = unique('managed')

  const created = await pool.adminCreateUser({
    username,
    temporaryPassword: 'Temp-Pass-123!',
    suppressMessage: true,
    attributes: [{ Name: 'email', Value: `${username}@example.com` }],
  })
  t.is(created.username, username)
  t.is(created.userStatus, 'FORCE_CHANGE_PASSWORD')
  t.is((await pool.login({ username, password: 'Temp-Pass-123!' })).nextStep, 'NEW_PASSWORD_REQUIRED')

  t.is(await pool.adminSetUserPassword({ username, password: PASSWORD, permanent: true }), 'SUCCESS')
  const fetched = await pool.adminGetUser({ username })
  t.is(fetched.userStatus, 'CONFIRMED')
  t.true(fetched.enabled)
  t.is(fetched.attributes.find((a) => a.Name === 'email').Value, `${username}@example.com`)
  const tokens = await pool.login({ username, password: PASSWORD })
  t.truthy(tokens.accessToken)

  const listed = await pool.listUsers({ filter: `username = "${username}"`, limit: 10 })
  t.deepEqual(
    listed.users.map((u) => u.username),
    [username],
  )

  await admin('CreateGroup', { UserPoolId: poolData.UserPoolId, GroupName: 'editors' })
  t.is(await pool.adminAddUserToGroup({ username, groupName: 'editors' }), 'SUCCESS')
  t.deepEqual(await pool.adminListGroupsForUser({ username }), ['editors'])
  t.is(await pool.adminRemoveUserFromGroup({ username, groupName: 'editors' }), 'SUCCESS')
  t.deepEqual(await pool.adminListGroupsForUser({ username }), [])

  t.is(await pool.adminUserGlobalSignOut({ username }), 'SUCCESS')
  t.is((await t.throwsAsync(pool.profile({ username, accessToken: tokens.accessToken }))).code, 'NotAuthorizedException')

  t.is(await pool.adminDisableUser({ username }), 'SUCCESS')
  t.is((await t.throwsAsync(pool.login({ username, password: PASSWORD }))).code, 'NotAuthorizedException')
  t.is(await pool.adminEnableUser({ username }), 'SUCCESS')
  t.truthy((await pool.login({ username, password: PASSWORD })).accessToken)

  t.is(await pool.adminDeleteUser({ username }), 'SUCCESS')
  t.is((await t.throwsAsync(pool.adminGetUser({ username }))).code, 'UserNotFoundException')
})

test('adminConfirmSignUp confirms a self-registered user; adminResetUserPassword asks for a new one', async (t) => {
  const poolData = await createPool()
  const pool = cognitoUserPool(poolData)
  const username = unique('self')
  await pool.signup({ username, password: PASSWORD, attributes: [{ Name: 'email', Value: `${username}@example.com` }] })
  t.is((await pool.adminGetUser({ username })).userStatus, 'UNCONFIRMED')
  t.is(await pool.adminConfirmSignUp({ username }), 'SUCCESS')
  t.is((await pool.adminGetUser({ username })).userStatus, 'CONFIRMED')
  t.is(await pool.adminResetUserPassword({ username }), 'SUCCESS')
  t.is((await pool.adminGetUser({ username })).userStatus, 'RESET_REQUIRED')
})
