'use strict'

// Client secret rotation: the admin calls that add, list and delete an app client's secrets, and
// poolData listing two live secrets, the first tried until Cognito refuses it, then the other,
// kept for the process. fakecloud keeps the secrets it adds but checks SECRET_HASH against the
// client's first secret only, so the rotation is shown with a retired secret listed first.

const test = require('ava')
const cognitoUserPool = require('..')
const { createPool, confirmedUser, recordingProxy, PASSWORD } = require('./helpers')

test('add, list and delete a second secret; the added value shows once, never in the list', async (t) => {
  const poolData = await createPool({ secret: true })
  const pool = cognitoUserPool(poolData)
  const added = await pool.addUserPoolClientSecret({})
  t.is(typeof added.clientSecretId, 'string')
  t.true(added.clientSecretValue.length >= 32)
  t.is(typeof added.createdAt, 'number')
  const { clientSecrets } = await pool.listUserPoolClientSecrets({})
  t.true(clientSecrets.some((s) => s.clientSecretId === added.clientSecretId))
  t.false(JSON.stringify(clientSecrets).includes(added.clientSecretValue), 'a listing carries no value')
  t.is(await pool.deleteUserPoolClientSecret({ clientSecretId: added.clientSecretId }), 'SUCCESS')
  t.false((await pool.listUserPoolClientSecrets({})).clientSecrets.some((s) => s.clientSecretId === added.clientSecretId))
  t.is((await t.throwsAsync(pool.deleteUserPoolClientSecret({ clientSecretId: added.clientSecretId }))).code, 'ResourceNotFoundException')
  const given = await pool.addUserPoolClientSecret({ clientSecret: 'a-secret-of-our-own-choosing-0123456789abcdef' })
  t.is(given.clientSecretValue, 'a-secret-of-our-own-choosing-0123456789abcdef')
})

test('two live secrets in poolData: a refused first one is left for the other at once, and the process keeps the one that works', async (t) => {
  const poolData = await createPool({ secret: true })
  const user = await confirmedUser(poolData)
  const proxy = await recordingProxy()
  t.teardown(() => proxy.close())
  const retired = 'a-secret-that-was-rotated-away-000000000000'
  const rotating = { ...poolData, endpoint: proxy.url, ClientSecret: [retired, poolData.ClientSecret] }
  const tokens = await cognitoUserPool(rotating).login({ username: user.username, password: PASSWORD })
  t.is(typeof tokens.accessToken, 'string')
  t.deepEqual(proxy.operations, ['InitiateAuth', 'InitiateAuth', 'RespondToAuthChallenge'], 'refused once, then the other secret')
  const hashes = proxy.bodies.slice(0, 2).map((b) => JSON.parse(b).AuthParameters.SECRET_HASH)
  t.not(hashes[0], hashes[1])
  proxy.operations.length = proxy.bodies.length = 0
  // Another pool object with the same secrets: the process already knows which one works.
  await cognitoUserPool(rotating).login({ username: user.username, password: PASSWORD })
  t.deepEqual(proxy.operations, ['InitiateAuth', 'RespondToAuthChallenge'])
  // Two secrets that Cognito both refuses: the refusal, after one try of each, without either secret.
  proxy.operations.length = 0
  const err = await t.throwsAsync(
    cognitoUserPool({ ...rotating, ClientSecret: [retired, `${retired}-2`] }).login({ username: user.username, password: PASSWORD }),
  )
  t.is(err.code, 'NotAuthorizedException')
  t.deepEqual(proxy.operations, ['InitiateAuth', 'InitiateAuth'])
  t.false(err.message.includes(retired))
  for (const ClientSecret of [[], ['a', 'b', 'c'], [7], {}]) {
    const bad = await t.throwsAsync(cognitoUserPool({ ...poolData, ClientSecret }).login({ username: user.username, password: PASSWORD }))
    t.is(bad.code, 'InvalidParameterException', JSON.stringify(ClientSecret))
  }
})
