'use strict'

const test = require('ava')
const cognitoUserPool = require('..')
const { createPool, loggedInUser, codes } = require('./helpers')

const value = (attrs, name) => (attrs.find((a) => a.Name === name) || {}).Value

test.before(async (t) => {
  t.context.poolData = await createPool()
  t.context.pool = cognitoUserPool(t.context.poolData)
})

test('profile resolves plain [{ Name, Value }] objects', async (t) => {
  const user = await loggedInUser(t.context.poolData)
  const attrs = await t.context.pool.profile(user.auth)
  t.true(Array.isArray(attrs))
  for (const a of attrs) t.deepEqual(Object.keys(a), ['Name', 'Value'])
  t.is(value(attrs, 'email'), user.email)
  t.truthy(value(attrs, 'sub'))
})

test('profileEdit updates, deletes null/undefined/empty values, and leaves phone_number alone', async (t) => {
  const { pool } = t.context
  const user = await loggedInUser(t.context.poolData)
  t.is(
    await pool.profileEdit({
      ...user.auth,
      attributes: [
        { Name: 'name', Value: 'Alice' },
        { Name: 'nickname', Value: 'al' },
        { Name: 'locale', Value: 'fr' },
        { Name: 'phone_number', Value: '+15555550123' },
      ],
    }),
    'SUCCESS',
  )
  let attrs = await pool.profile(user.auth)
  t.is(value(attrs, 'name'), 'Alice')
  t.is(value(attrs, 'nickname'), 'al')
  t.is(value(attrs, 'phone_number'), undefined)
  t.is(
    await pool.profileEdit({
      ...user.auth,
      attributes: [
        { Name: 'nickname', Value: null },
        { Name: 'locale', Value: '' },
        { Name: 'name', Value: undefined },
      ],
    }),
    'SUCCESS',
  )
  attrs = await pool.profile(user.auth)
  t.is(value(attrs, 'nickname'), undefined)
  t.is(value(attrs, 'locale'), undefined)
  t.is(value(attrs, 'name'), undefined)
  t.is(await pool.profileEdit({ ...user.auth, attributes: [] }), 'SUCCESS')
})

test('profileEdit and profileEditPhoneNumber with a signed-out token are NotAuthorizedException', async (t) => {
  // fakecloud does not check attribute schemas or phone formats, so the server error tried here is
  // the token one.
  const { pool } = t.context
  const user = await loggedInUser(t.context.poolData)
  await pool.logout(user.auth)
  const edit = await t.throwsAsync(pool.profileEdit({ ...user.auth, attributes: [{ Name: 'name', Value: 'x' }] }))
  t.is(edit.code, 'NotAuthorizedException')
  t.is(edit.statusCode, 400)
  const phone = await t.throwsAsync(pool.profileEditPhoneNumber({ ...user.auth, phone_number: '+15555550100' }))
  t.is(phone.code, 'NotAuthorizedException')
  const confirm = await t.throwsAsync(pool.profileAttributeConfirm({ ...user.auth, attribute: 'email', confirmationCode: '123456' }))
  t.is(confirm.code, 'NotAuthorizedException')
})

test('profileAttributeResend sends a code; profileAttributeConfirm verifies with it, refuses a wrong one', async (t) => {
  const { pool, poolData } = t.context
  const user = await loggedInUser(poolData)
  const newEmail = `new-${user.email}`
  await pool.profileEdit({ ...user.auth, attributes: [{ Name: 'email', Value: newEmail }] })
  // Cognito sends the code on the change itself; fakecloud only on request, which this method makes.
  const sent = await pool.profileAttributeResend({ ...user.auth, attribute: 'email' })
  t.is(sent.CodeDeliveryDetails.AttributeName, 'email')
  t.is(sent.CodeDeliveryDetails.DeliveryMedium, 'EMAIL')
  const { attributeVerificationCodes } = await codes(poolData.UserPoolId, user.username)
  const code = attributeVerificationCodes.email
  t.truthy(code)
  const err = await t.throwsAsync(
    pool.profileAttributeConfirm({ ...user.auth, attribute: 'email', confirmationCode: code === '000000' ? '111111' : '000000' }),
  )
  t.is(err.code, 'CodeMismatchException')
  t.is(await pool.profileAttributeConfirm({ ...user.auth, attribute: 'email', confirmationCode: code }), 'SUCCESS')
  const attrs = await pool.profile(user.auth)
  t.is(value(attrs, 'email'), newEmail)
  t.is(value(attrs, 'email_verified'), 'true')
})

test('profileEditPhoneNumber sets the number, and with null turns SMS MFA off and deletes it', async (t) => {
  const { pool } = t.context
  const user = await loggedInUser(t.context.poolData)
  t.is(await pool.profileEditPhoneNumber({ ...user.auth, phone_number: '+15555550142' }), 'SUCCESS')
  t.is(value(await pool.profile(user.auth), 'phone_number'), '+15555550142')
  t.is(await pool.setMfa({ ...user.auth, enableMfa: true }), 'SUCCESS')
  t.deepEqual(await pool.getMfa(user.auth), [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }])
  t.is(await pool.profileEditPhoneNumber({ ...user.auth, phone_number: null }), 'SUCCESS')
  t.is(value(await pool.profile(user.auth), 'phone_number'), undefined)
  t.is(await pool.getMfa(user.auth), null)
})

test('getMfa is null until setMfa turns SMS MFA on, and null again after it turns it off', async (t) => {
  const { pool } = t.context
  const user = await loggedInUser(t.context.poolData, { attributes: [{ Name: 'phone_number', Value: '+15555550199' }] })
  t.is(await pool.getMfa(user.auth), null)
  t.is(await pool.setMfa({ ...user.auth, enableMfa: true }), 'SUCCESS')
  t.deepEqual(await pool.getMfa(user.auth), [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }])
  t.is(await pool.setMfa({ ...user.auth, enableMfa: false }), 'SUCCESS')
  t.is(await pool.getMfa(user.auth), null)
  t.is(await pool.setMfa(user.auth), 'SUCCESS', 'a missing enableMfa turns it off, as in the original')
})

test('getMfa with an expired-looking but unsigned token is refused by the server', async (t) => {
  const fake = ['{"alg":"RS256"}', '{"exp":1,"token_use":"access"}', 'sig'].map((p) => Buffer.from(p).toString('base64url')).join('.')
  const err = await t.throwsAsync(t.context.pool.getMfa({ username: 'u', accessToken: fake }))
  t.is(err.code, 'NotAuthorizedException')
})
