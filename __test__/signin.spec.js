'use strict'

// Every way to sign in beyond the password login, end to end against fakecloud where it has the
// flow: choice-based USER_AUTH (SELECT_CHALLENGE, PASSWORD, PASSWORD_SRP), remembered devices
// (ConfirmDevice's verifier, DEVICE_KEY on the wire, status, get, forget) and passkey registration
// (the test is its own software authenticator: an EC P-256 key and a "packed" self-attestation).
// fakecloud never issues NewDeviceMetadata, DEVICE_SRP_AUTH, OTP first factors nor WEB_AUTHN
// sign-in challenges: those steps are unit-tested in src/auth.rs on Cognito's documented shapes
// and on the requests amazon-cognito-identity-js itself sent (testdata/device-srp-vectors.json).

const test = require('ava')
const crypto = require('node:crypto')
const { Encoder } = require('cbor-x')
const cognitoUserPool = require('..')
const { createPool, confirmedUser, loggedInUser, recordingProxy } = require('./helpers')

const cbor = new Encoder({ useRecords: false, variableMapSize: true, useTag259ForMaps: false })

/** What reached the wire for `operation`, parsed. */
const sent = (proxy, operation) => proxy.bodies.filter((_, i) => proxy.operations[i] === operation).map((b) => JSON.parse(b))

const TOKEN_KEYS = ['accessToken', 'accessTokenExpiresAt', 'idToken', 'idTokenExpiresAt', 'refreshToken']

test('USER_AUTH: a password login proves it by SRP (PREFERRED_CHALLENGE PASSWORD_SRP), the password never on the wire', async (t) => {
  const proxy = await recordingProxy()
  t.teardown(proxy.close)
  const poolData = await createPool({ flows: ['ALLOW_USER_AUTH'] })
  const user = await confirmedUser(poolData)
  const pool = cognitoUserPool({ ...poolData, endpoint: proxy.url, AuthFlow: 'USER_AUTH' })
  const tokens = await pool.login({ username: user.username, password: user.password })
  t.deepEqual(Object.keys(tokens).sort(), TOKEN_KEYS)
  const [initiate] = sent(proxy, 'InitiateAuth')
  t.is(initiate.AuthFlow, 'USER_AUTH')
  t.is(initiate.AuthParameters.PREFERRED_CHALLENGE, 'PASSWORD_SRP')
  t.regex(initiate.AuthParameters.SRP_A, /^[0-9a-f]+$/)
  t.deepEqual(
    sent(proxy, 'RespondToAuthChallenge').map((b) => b.ChallengeName),
    ['PASSWORD_VERIFIER'],
  )
  for (const body of proxy.bodies) t.false(body.includes(user.password))

  // Per call, on a pool whose default flow is SRP.
  const perCall = cognitoUserPool(poolData)
  t.truthy((await perCall.login({ username: user.username, password: user.password, authFlow: 'USER_AUTH' })).accessToken)
  const wrong = await t.throwsAsync(pool.login({ username: user.username, password: 'Wrong-Horse-9!' }))
  t.is(wrong.code, 'NotAuthorizedException')
  t.is(wrong.statusCode, 400)
})

test('USER_AUTH: without a password Cognito offers SELECT_CHALLENGE; loginSelectChallenge answers PASSWORD_SRP or PASSWORD', async (t) => {
  const poolData = await createPool({ flows: ['ALLOW_USER_AUTH'] })
  const user = await confirmedUser(poolData)
  const pool = cognitoUserPool({ ...poolData, AuthFlow: 'USER_AUTH' })
  const menu = async () => {
    const step = await pool.login({ username: user.username })
    t.is(step.nextStep, 'SELECT_CHALLENGE')
    t.true(step.loginSession.startsWith('SELECT_CHALLENGE:'))
    t.true(step.availableChallenges.includes('PASSWORD_SRP'), JSON.stringify(step.availableChallenges))
    t.true(step.availableChallenges.includes('PASSWORD'))
    return step.loginSession
  }
  const viaSrp = await pool.loginSelectChallenge({
    username: user.username,
    loginSession: await menu(),
    challenge: 'PASSWORD_SRP',
    password: user.password,
  })
  t.deepEqual(Object.keys(viaSrp).sort(), TOKEN_KEYS)
  const viaPassword = await pool.loginSelectChallenge({
    username: user.username,
    loginSession: await menu(),
    challenge: 'PASSWORD',
    password: user.password,
  })
  t.truthy(viaPassword.idToken)

  // A preference Cognito cannot serve comes back as the menu (fakecloud serves only PASSWORD_SRP inline).
  const preferred = await pool.login({ username: user.username, preferredChallenge: 'WEB_AUTHN' })
  t.is(preferred.nextStep, 'SELECT_CHALLENGE')

  const wrong = await t.throwsAsync(
    pool.loginSelectChallenge({ username: user.username, loginSession: await menu(), challenge: 'PASSWORD', password: 'nope-Nope-1' }),
  )
  t.is(wrong.code, 'NotAuthorizedException')
  // A session is single-use, and a choice fakecloud does not serve is Cognito's error, coded.
  const session = await menu()
  await pool.loginSelectChallenge({ username: user.username, loginSession: session, challenge: 'PASSWORD', password: user.password })
  const reused = await t.throwsAsync(
    pool.loginSelectChallenge({ username: user.username, loginSession: session, challenge: 'PASSWORD', password: user.password }),
  )
  t.is(reused.code, 'NotAuthorizedException')
  // Cognito answers EMAIL_OTP with its code step (unit-tested in src/auth.rs); fakecloud refuses it.
  const unserved = await t.throwsAsync(
    pool.loginSelectChallenge({ username: user.username, loginSession: await menu(), challenge: 'EMAIL_OTP' }),
  )
  t.is(unserved.code, 'InvalidParameterException')
  t.is(unserved.statusCode, 400)
})

test('USER_AUTH: an app client without ALLOW_USER_AUTH refuses it; bad choices are refused before any request', async (t) => {
  const proxy = await recordingProxy()
  t.teardown(proxy.close)
  const poolData = await createPool()
  const user = await confirmedUser(poolData)
  const pool = cognitoUserPool({ ...poolData, endpoint: proxy.url })
  const refused = await t.throwsAsync(pool.login({ username: user.username, password: user.password, authFlow: 'USER_AUTH' }))
  t.is(refused.code, 'NotAuthorizedException')
  const before = proxy.operations.length
  for (const params of [
    { username: 'u', password: 'p', authFlow: 'CUSTOM_AUTH' },
    { username: 'u', preferredChallenge: 'MAGIC_LINK', authFlow: 'USER_AUTH' },
    { username: 'u', preferredChallenge: 'PASSWORD', authFlow: 'USER_AUTH' },
  ]) {
    const err = await t.throwsAsync(pool.login(params))
    t.is(err.code, 'InvalidParameterException', err.message)
    t.is(err.statusCode, 400)
  }
  for (const params of [
    { username: 'u', loginSession: 'SELECT_CHALLENGE:s', challenge: 'SOMETHING' },
    { username: 'u', loginSession: 'SELECT_CHALLENGE:s', challenge: 'PASSWORD_SRP' },
    { username: 'u', loginSession: 'SELECT_CHALLENGE:s' },
  ]) {
    const err = await t.throwsAsync(pool.loginSelectChallenge(params))
    t.is(err.code, 'InvalidParameterException', err.message)
  }
  t.is(proxy.operations.length, before, 'nothing reached the wire')
})

/** padHex as amazon-cognito-identity-js hashes numbers: even-length hex, 00 before a high nibble. */
function padHex(n) {
  let hex = n.toString(16)
  if (hex.length % 2) hex = `0${hex}`
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex
}
function modPow(base, exponent, modulus) {
  let result = 1n
  for (base %= modulus; exponent > 0n; exponent >>= 1n, base = (base * base) % modulus)
    if (exponent & 1n) result = (result * base) % modulus
  return result
}
const N = BigInt(
  '0x' +
    'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
    '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
    'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
    '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
    'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
    'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
)

test('devices: confirmDevice hands Cognito the verifier of the password it resolves; a login with the device sends DEVICE_KEY', async (t) => {
  const proxy = await recordingProxy()
  t.teardown(proxy.close)
  const poolData = await createPool()
  const user = await loggedInUser(poolData)
  const pool = cognitoUserPool({ ...poolData, endpoint: proxy.url })
  const newDevice = { deviceKey: `${poolData.UserPoolId.split('_')[0]}_${crypto.randomUUID()}`, deviceGroupKey: '-Gr0upKey' }

  const device = await pool.confirmDevice({ ...user.auth, ...newDevice, deviceName: 'Firefox on Linux' })
  t.is(device.deviceKey, newDevice.deviceKey)
  t.is(device.deviceGroupKey, newDevice.deviceGroupKey)
  t.is(Buffer.from(device.devicePassword, 'base64').length, 40)
  t.is(device.userConfirmationNecessary, false)
  // The verifier on the wire is g^x for x = H(padHex(salt) || H(groupKey || deviceKey || ':' || password)).
  const [confirm] = sent(proxy, 'ConfirmDevice')
  const { Salt, PasswordVerifier } = confirm.DeviceSecretVerifierConfig
  const sha = (data) => crypto.createHash('sha256').update(data).digest('hex')
  const saltHex = Buffer.from(Salt, 'base64').toString('hex')
  const inner = sha(`${newDevice.deviceGroupKey}${newDevice.deviceKey}:${device.devicePassword}`)
  const x = BigInt(`0x${sha(Buffer.from(saltHex + inner, 'hex'))}`)
  t.is(Buffer.from(PasswordVerifier, 'base64').toString('hex'), padHex(modPow(2n, x, N)))
  t.is(confirm.DeviceName, 'Firefox on Linux')
  t.false(
    proxy.bodies.some((b) => b.includes(device.devicePassword)),
    'the device password never leaves the process',
  )

  t.is(await pool.updateDeviceStatus({ ...user.auth, deviceKey: device.deviceKey, remembered: true }), 'SUCCESS')
  t.is(sent(proxy, 'UpdateDeviceStatus')[0].DeviceRememberedStatus, 'remembered')
  t.is(await pool.updateDeviceStatus({ ...user.auth, deviceKey: device.deviceKey, remembered: false }), 'SUCCESS')
  t.is(sent(proxy, 'UpdateDeviceStatus')[1].DeviceRememberedStatus, 'not_remembered')
  const got = await pool.getDevice({ ...user.auth, deviceKey: device.deviceKey })
  t.is(got.DeviceKey, device.deviceKey)
  t.deepEqual(
    got.DeviceAttributes.find((a) => a.Name === 'device_name'),
    { Name: 'device_name', Value: 'Firefox on Linux' },
  )
  t.deepEqual(
    (await pool.listDevices(user.auth)).map((d) => d.DeviceKey),
    [device.deviceKey],
  )

  // The confirmed device, passed back as it came: DEVICE_KEY in InitiateAuth and the SRP answer.
  proxy.bodies.length = proxy.operations.length = 0
  const tokens = await pool.login({ username: user.username, password: user.password, device })
  t.deepEqual(Object.keys(tokens).sort(), TOKEN_KEYS, 'no newDevice: fakecloud sends no NewDeviceMetadata')
  t.is(sent(proxy, 'InitiateAuth')[0].AuthParameters.DEVICE_KEY, device.deviceKey)
  t.is(sent(proxy, 'RespondToAuthChallenge')[0].ChallengeResponses.DEVICE_KEY, device.deviceKey)
  proxy.bodies.length = proxy.operations.length = 0
  await pool.login({ username: user.username, password: user.password })
  t.false(
    proxy.bodies.some((b) => b.includes('DEVICE_KEY')),
    'without device, a login is the original one',
  )

  t.is(await pool.forgetDevice({ ...user.auth, deviceKey: device.deviceKey }), 'SUCCESS')
  const gone = await t.throwsAsync(pool.getDevice({ ...user.auth, deviceKey: device.deviceKey }))
  t.is(gone.code, 'ResourceNotFoundException')
  const unknown = await t.throwsAsync(pool.updateDeviceStatus({ ...user.auth, deviceKey: device.deviceKey, remembered: true }))
  t.is(unknown.code, 'ResourceNotFoundException')
})

test('devices: a partial device is refused before any request, naming the fields and never the password', async (t) => {
  const proxy = await recordingProxy()
  t.teardown(proxy.close)
  const pool = cognitoUserPool({ ...(await createPool()), endpoint: proxy.url })
  for (const device of [
    { deviceKey: 'us-east-1_k' },
    { deviceKey: 'us-east-1_k', deviceGroupKey: 'g' },
    { deviceGroupKey: 'g', devicePassword: 'secret-device-password' },
    'a string',
    { deviceKey: 'us-east-1_k', deviceGroupKey: 'g', devicePassword: 42 },
  ]) {
    const err = await t.throwsAsync(pool.login({ username: 'u', password: 'p', device }))
    t.is(err.code, 'InvalidParameterException', err.message)
    t.regex(err.message, /device/)
    t.false(err.message.includes('secret-device-password'))
  }
  t.is(proxy.operations.length, 0)
})

/** A software authenticator: a P-256 key and "packed" self-attestation, as a browser's
 * `PublicKeyCredential.toJSON()` gives a new credential. */
function createCredential(options, { tamper = false } = {}) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = publicKey.export({ format: 'jwk' })
  const cose = cbor.encode(
    new Map([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, Buffer.from(jwk.x, 'base64url')],
      [-3, Buffer.from(jwk.y, 'base64url')],
    ]),
  )
  const credentialId = crypto.randomBytes(16)
  const length = Buffer.alloc(2)
  length.writeUInt16BE(credentialId.length)
  const authData = Buffer.concat([
    crypto.createHash('sha256').update(options.rp.id).digest(),
    Buffer.from([0x45]), // user present, user verified, attested credential data
    Buffer.alloc(4), // sign count
    Buffer.alloc(16), // AAGUID
    length,
    credentialId,
    cose,
  ])
  const clientDataJSON = Buffer.from(
    JSON.stringify({
      type: 'webauthn.create',
      challenge: Buffer.from(options.challenge).toString('base64url'),
      origin: 'https://app.example',
    }),
  )
  const signed = Buffer.concat([authData, crypto.createHash('sha256').update(clientDataJSON).digest()])
  const sig = crypto.sign('sha256', tamper ? Buffer.concat([signed, Buffer.from([1])]) : signed, privateKey)
  const attestationObject = cbor.encode({ fmt: 'packed', attStmt: { alg: -7, sig }, authData })
  return {
    id: credentialId.toString('base64url'),
    rawId: credentialId.toString('base64url'),
    type: 'public-key',
    authenticatorAttachment: 'platform',
    response: {
      clientDataJSON: clientDataJSON.toString('base64url'),
      attestationObject: attestationObject.toString('base64url'),
      transports: ['internal'],
    },
    clientExtensionResults: { credProps: { rk: true, authenticatorDisplayName: 'Test authenticator' } },
  }
}

test("passkeys: start gives the creation options, complete registers the authenticator's credential, list and delete", async (t) => {
  const poolData = await createPool()
  const pool = cognitoUserPool(poolData)
  const user = await loggedInUser(poolData)
  const { credentialCreationOptions: options } = await pool.startWebAuthnRegistration(user.auth)
  t.truthy(options.challenge)
  t.true(options.rp.id.includes(poolData.UserPoolId), options.rp.id)
  t.deepEqual(
    options.pubKeyCredParams.map((p) => p.alg),
    [-7, -257],
  )

  const credential = createCredential(options)
  t.is(await pool.completeWebAuthnRegistration({ ...user.auth, credential }), 'SUCCESS')
  // The credential as JSON text is taken as well (browsers' toJSON() output, stringified).
  const second = createCredential((await pool.startWebAuthnRegistration(user.auth)).credentialCreationOptions)
  t.is(await pool.completeWebAuthnRegistration({ ...user.auth, credential: JSON.stringify(second) }), 'SUCCESS')

  const { credentials, paginationToken } = await pool.listWebAuthnCredentials(user.auth)
  t.deepEqual(
    credentials.map((c) => c.credentialId),
    [credential.id, second.id],
  )
  t.is(credentials[0].friendlyCredentialName, 'Test authenticator')
  t.is(credentials[0].authenticatorAttachment, 'platform')
  t.deepEqual(credentials[0].authenticatorTransports, ['internal'])
  t.true(Math.abs(credentials[0].createdAt - Date.now() / 1000) < 300)
  t.falsy(paginationToken)
  const page = await pool.listWebAuthnCredentials({ ...user.auth, limit: 1 })
  t.is(page.credentials.length, 1)
  t.truthy(page.paginationToken)
  const next = await pool.listWebAuthnCredentials({ ...user.auth, limit: 1, paginationToken: page.paginationToken })
  t.is(next.credentials[0].credentialId, second.id)

  t.is(await pool.deleteWebAuthnCredential({ ...user.auth, credentialId: credential.id }), 'SUCCESS')
  const again = await t.throwsAsync(pool.deleteWebAuthnCredential({ ...user.auth, credentialId: credential.id }))
  t.is(again.code, 'ResourceNotFoundException')
  t.deepEqual(
    (await pool.listWebAuthnCredentials(user.auth)).credentials.map((c) => c.credentialId),
    [second.id],
  )
})

test('passkeys: a forged attestation, a foreign format and a credential that is no JSON object are refused', async (t) => {
  const proxy = await recordingProxy()
  t.teardown(proxy.close)
  const poolData = await createPool()
  const pool = cognitoUserPool({ ...poolData, endpoint: proxy.url })
  const user = await loggedInUser(poolData)
  const { credentialCreationOptions: options } = await pool.startWebAuthnRegistration(user.auth)
  const forged = await t.throwsAsync(
    pool.completeWebAuthnRegistration({ ...user.auth, credential: createCredential(options, { tamper: true }) }),
  )
  t.is(forged.code, 'InvalidParameterException')
  t.is(forged.statusCode, 400)
  const u2f = createCredential(options)
  u2f.response.attestationObject = cbor.encode({ fmt: 'fido-u2f', attStmt: {}, authData: Buffer.alloc(37) }).toString('base64url')
  const foreign = await t.throwsAsync(pool.completeWebAuthnRegistration({ ...user.auth, credential: u2f }))
  t.is(foreign.code, 'UnsupportedAttestationFormatException')
  t.is((await pool.listWebAuthnCredentials(user.auth)).credentials.length, 0)

  const before = proxy.operations.length
  for (const credential of ['not json', '[1,2]', 42, ['a']]) {
    const err = await t.throwsAsync(pool.completeWebAuthnRegistration({ ...user.auth, credential }))
    t.is(err.code, 'InvalidParameterException', err.message)
    const signIn = await t.throwsAsync(pool.loginWebAuthn({ username: user.username, loginSession: 'WEB_AUTHN:s', credential }))
    t.is(signIn.code, 'InvalidParameterException', signIn.message)
  }
  t.is(proxy.operations.length, before, 'nothing reached the wire')
  const expired = await t.throwsAsync(pool.startWebAuthnRegistration({ username: user.username, accessToken: `${user.auth.accessToken}x` }))
  t.is(expired.code, 'NotAuthorizedException')
})

test('steps fakecloud never issues (SMS_OTP, EMAIL_OTP, WEB_AUTHN answers): the requests on the wire are as Cognito documents them', async (t) => {
  const proxy = await recordingProxy()
  t.teardown(proxy.close)
  const pool = cognitoUserPool({ ...(await createPool()), endpoint: proxy.url })
  const assertion = { id: 'AAEC', type: 'public-key', response: { authenticatorData: 'x', clientDataJSON: 'y', signature: 'z' } }
  const calls = [
    [pool.loginMfa({ username: 'u', loginSession: 'SMS_OTP:sess-1', mfaCode: '123456' }), 'SMS_OTP', 'sess-1', { SMS_OTP_CODE: '123456' }],
    [
      pool.loginMfa({ username: 'u', loginSession: 'EMAIL_OTP:sess-2', mfaCode: '654321' }),
      'EMAIL_OTP',
      'sess-2',
      { EMAIL_OTP_CODE: '654321' },
    ],
    [
      pool.loginWebAuthn({ username: 'u', loginSession: 'WEB_AUTHN:sess-3', credential: assertion }),
      'WEB_AUTHN',
      'sess-3',
      { CREDENTIAL: JSON.stringify(assertion) },
    ],
    [
      pool.loginWebAuthn({ username: 'u', loginSession: 'WEB_AUTHN:sess-4', credential: JSON.stringify(assertion) }),
      'WEB_AUTHN',
      'sess-4',
      { CREDENTIAL: JSON.stringify(assertion) },
    ],
  ]
  for (const [call] of calls) {
    // fakecloud knows none of these sessions: Cognito's error, coded.
    const err = await t.throwsAsync(call)
    t.is(err.statusCode, 400, err.code)
  }
  const bodies = sent(proxy, 'RespondToAuthChallenge')
  for (const [, challenge, session, answers] of calls) {
    const body = bodies.find((b) => b.Session === session)
    t.is(body.ChallengeName, challenge)
    const { CREDENTIAL, ...rest } = body.ChallengeResponses
    const { CREDENTIAL: expected, ...expectedRest } = answers
    t.deepEqual(rest, { USERNAME: 'u', ...expectedRest })
    if (expected) t.deepEqual(JSON.parse(CREDENTIAL), JSON.parse(expected))
  }
  // Given as text, the credential goes on exactly as the browser wrote it.
  t.is(bodies.find((b) => b.Session === 'sess-4').ChallengeResponses.CREDENTIAL, JSON.stringify(assertion))
})
