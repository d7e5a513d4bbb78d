'use strict'

// The admin calls added for a backend with IAM credentials, end to end against fakecloud: a user's
// attributes and MFA, the pool's groups (across pages), a user's devices. Each for success and
// its main errors; bad input is refused before any request (the recording proxy sees none).

const crypto = require('node:crypto')
const test = require('ava')
const cognitoUserPool = require('..')
const { createPool, loggedInUser, recordingProxy, unique } = require('./helpers')

test.before(async (t) => {
  t.context.poolData = await createPool()
  t.context.pool = cognitoUserPool(t.context.poolData)
})

const attribute = (list, name) => list.find((a) => a.Name === name)?.Value

test("a user's attributes: changed and deleted by an admin, seen by the user; unknown users and bad lists are coded errors", async (t) => {
  const { pool, poolData } = t.context
  const user = await loggedInUser(poolData)
  t.is(
    await pool.adminUpdateUserAttributes({
      username: user.username,
      attributes: [
        { Name: 'name', Value: 'Ada' },
        { Name: 'family_name', Value: 'L' },
      ],
    }),
    'SUCCESS',
  )
  let seen = (await pool.adminGetUser({ username: user.username })).attributes
  t.is(attribute(seen, 'name'), 'Ada')
  t.is(attribute(seen, 'family_name'), 'L')
  t.is(await pool.adminDeleteUserAttributes({ username: user.username, attributeNames: ['family_name'] }), 'SUCCESS')
  seen = await pool.profile(user.auth)
  t.is(attribute(seen, 'family_name'), undefined)
  t.is(attribute(seen, 'name'), 'Ada')
  const nobody = unique('nobody')
  t.is(
    (await t.throwsAsync(pool.adminUpdateUserAttributes({ username: nobody, attributes: [{ Name: 'name', Value: 'x' }] }))).code,
    'UserNotFoundException',
  )
  const proxy = await recordingProxy()
  t.teardown(() => proxy.close())
  const offline = cognitoUserPool({ ...poolData, endpoint: proxy.url })
  for (const [method, params] of [
    ['adminUpdateUserAttributes', { username: user.username }],
    ['adminUpdateUserAttributes', { username: user.username, attributes: [] }],
    ['adminUpdateUserAttributes', { username: user.username, attributes: [{ Value: 'x' }] }],
    ['adminDeleteUserAttributes', { username: user.username, attributeNames: [] }],
    ['adminDeleteUserAttributes', { username: user.username, attributeNames: [7] }],
    ['adminSetUserMfaPreference', { username: user.username }],
    ['adminSetUserMfaPreference', { username: user.username, totp: 'yes' }],
  ]) {
    const err = await t.throwsAsync(offline[method](params))
    t.is(err.code, 'InvalidParameterException', `${method} ${JSON.stringify(params)}`)
  }
  t.deepEqual(proxy.operations, [])
})

test("MFA set by an admin: the SMS preference shows in the user's auth factors", async (t) => {
  const { pool, poolData } = t.context
  const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`
  const user = await loggedInUser(poolData, { attributes: [{ Name: 'phone_number', Value: phone }] })
  t.is(await pool.adminSetUserMfaPreference({ username: user.username, sms: { enabled: true, preferred: true } }), 'SUCCESS')
  const factors = await pool.getUserAuthFactors(user.auth)
  t.is(factors.preferredMfaSetting, 'SMS_MFA')
  t.deepEqual(factors.userMfaSettingList, ['SMS_MFA'])
  t.is(await pool.adminSetUserMfaPreference({ username: user.username, sms: { enabled: false, preferred: false } }), 'SUCCESS')
  t.deepEqual((await pool.getUserAuthFactors(user.auth)).userMfaSettingList, [])
})

test('groups: create, read, change, list across pages, members across pages, delete; a missing or existing group is a coded error', async (t) => {
  const { pool, poolData } = t.context
  const names = [unique('g1'), unique('g2'), unique('g3')]
  const created = await pool.createGroup({ groupName: names[0], description: 'first', precedence: 3 })
  t.like(created, { groupName: names[0], description: 'first', precedence: 3 })
  t.is(typeof created.createdAt, 'number')
  for (const name of names.slice(1)) await pool.createGroup({ groupName: name })
  t.is((await t.throwsAsync(pool.createGroup({ groupName: names[0] }))).code, 'GroupExistsException')
  t.like(await pool.updateGroup({ groupName: names[0], description: 'changed' }), { description: 'changed', precedence: 3 })
  t.like(await pool.getGroup({ groupName: names[0] }), { groupName: names[0], description: 'changed' })

  const seen = []
  let paginationToken
  let pages = 0
  do {
    const page = await pool.listGroups({ limit: 1, paginationToken })
    t.true(page.groups.length <= 1)
    seen.push(...page.groups.map((g) => g.groupName))
    paginationToken = page.paginationToken
    pages += 1
  } while (paginationToken && pages < 20)
  t.true(
    names.every((name) => seen.includes(name)),
    'every group, one a page',
  )
  t.true(pages >= 3)

  const members = []
  for (let i = 0; i < 3; i++) {
    const user = await loggedInUser(poolData)
    await pool.adminAddUserToGroup({ username: user.username, groupName: names[1] })
    members.push(user.username)
  }
  const listed = []
  paginationToken = undefined
  do {
    const page = await pool.listUsersInGroup({ groupName: names[1], limit: 2, paginationToken })
    listed.push(...page.users.map((u) => u.username))
    paginationToken = page.paginationToken
  } while (paginationToken)
  t.deepEqual(listed.sort(), members.sort())

  t.is(await pool.deleteGroup({ groupName: names[2] }), 'SUCCESS')
  for (const call of [
    pool.getGroup({ groupName: names[2] }),
    pool.deleteGroup({ groupName: names[2] }),
    pool.listUsersInGroup({ groupName: names[2] }),
  ]) {
    t.is((await t.throwsAsync(call)).code, 'ResourceNotFoundException')
  }
  t.is((await t.throwsAsync(pool.createGroup({ groupName: unique('g'), precedence: -1 }))).code, 'InvalidParameterException')
})

test("a user's devices as an admin sees them: list, read, remember, forget; an unknown device is a coded error", async (t) => {
  const { pool, poolData } = t.context
  const user = await loggedInUser(poolData)
  const deviceKey = `${poolData.UserPoolId.split('_')[0]}_${crypto.randomUUID()}`
  await pool.confirmDevice({ ...user.auth, deviceKey, deviceGroupKey: '-Gr0upKey', deviceName: 'Laptop' })
  const { devices, paginationToken } = await pool.adminListDevices({ username: user.username, limit: 10 })
  t.deepEqual(
    devices.map((d) => d.DeviceKey),
    [deviceKey],
  )
  t.is(paginationToken ?? undefined, undefined)
  const device = await pool.adminGetDevice({ username: user.username, deviceKey })
  t.is(attribute(device.DeviceAttributes, 'device_name'), 'Laptop')
  t.is(await pool.adminUpdateDeviceStatus({ username: user.username, deviceKey, remembered: true }), 'SUCCESS')
  t.is(await pool.adminUpdateDeviceStatus({ username: user.username, deviceKey, remembered: false }), 'SUCCESS')
  t.is(await pool.adminForgetDevice({ username: user.username, deviceKey }), 'SUCCESS')
  t.deepEqual((await pool.adminListDevices({ username: user.username })).devices, [])
  t.is((await t.throwsAsync(pool.adminGetDevice({ username: user.username, deviceKey }))).code, 'ResourceNotFoundException')
  t.is((await t.throwsAsync(pool.adminUpdateDeviceStatus({ username: user.username, deviceKey }))).code, 'InvalidParameterException')
})

test("a user's factors and authenticator app, as an admin sees them: auth factors by username, the app removed", async (t) => {
  const { pool, poolData } = t.context
  const user = await loggedInUser(poolData)
  const own = await pool.getUserAuthFactors(user.auth)
  t.deepEqual(await pool.adminGetUserAuthFactors({ username: user.username }), own)
  t.true(own.configuredUserAuthFactors.includes('PASSWORD'))
  t.is(await pool.adminDeleteSoftwareToken({ username: user.username }), 'SUCCESS')
  t.is((await t.throwsAsync(pool.adminGetUserAuthFactors({ username: unique('nobody') }))).code, 'UserNotFoundException')
})

test("threat protection's record: a user's sign-in events listed, feedback given on one; an unknown event is a coded error", async (t) => {
  const { pool, poolData } = t.context
  const user = await loggedInUser(poolData)
  await pool.login({ username: user.username, password: user.password })
  const { authEvents, paginationToken } = await pool.adminListUserAuthEvents({ username: user.username, limit: 10 })
  t.is(paginationToken ?? null, null)
  for (const event of authEvents) {
    t.deepEqual(Object.keys(event).sort(), [
      'city',
      'compromisedCredentialsDetected',
      'country',
      'createdAt',
      'deviceName',
      'eventId',
      'eventResponse',
      'eventType',
      'feedback',
      'ipAddress',
      'riskDecision',
      'riskLevel',
    ])
  }
  t.true(authEvents.length >= 2, 'the sign-up and the sign-ins')
  t.true(authEvents.some((e) => e.eventType === 'SIGN_UP'))
  t.is(await pool.adminUpdateAuthEventFeedback({ username: user.username, eventId: authEvents[0].eventId, feedback: 'Valid' }), 'SUCCESS')
  const after = (await pool.adminListUserAuthEvents({ username: user.username })).authEvents
  t.is(after.find((e) => e.eventId === authEvents[0].eventId).feedback, 'Valid')
  const unknown = await t.throwsAsync(
    pool.adminUpdateAuthEventFeedback({ username: user.username, eventId: 'no-such-event', feedback: 'Invalid' }),
  )
  t.is(unknown.code, 'ResourceNotFoundException')
  t.is(
    (await t.throwsAsync(pool.adminUpdateAuthEventFeedback({ username: user.username, eventId: 'e', feedback: 'Maybe' }))).code,
    'InvalidParameterException',
  )
})

test("federation links: a provider's identity linked to the pool's user, then disabled; bad identities refused before any request", async (t) => {
  const { pool, poolData } = t.context
  const user = await loggedInUser(poolData)
  const google = { providerName: 'Google', providerAttributeName: 'Cognito_Subject', providerAttributeValue: unique('sub') }
  t.is(
    await pool.adminLinkProviderForUser({
      destinationUser: { providerName: 'Cognito', providerAttributeValue: user.username },
      sourceUser: google,
    }),
    'SUCCESS',
  )
  t.is(await pool.adminDisableProviderForUser({ user: google }), 'SUCCESS')
  t.is((await t.throwsAsync(pool.adminDisableProviderForUser({ user: google }))).code, 'ResourceNotFoundException', 'unlinked already')
  const proxy = await recordingProxy()
  t.teardown(() => proxy.close())
  const offline = cognitoUserPool({ ...poolData, endpoint: proxy.url })
  for (const params of [
    {},
    { destinationUser: 'x', sourceUser: google },
    { destinationUser: { providerName: 'Cognito' }, sourceUser: google },
  ]) {
    t.is((await t.throwsAsync(offline.adminLinkProviderForUser(params))).code, 'InvalidParameterException', JSON.stringify(params))
  }
  t.deepEqual(proxy.operations, [])
})
