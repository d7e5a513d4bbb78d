'use strict'

// aws-jwt-verify's own unit tests of its Cognito verifier (awslabs/aws-jwt-verify
// tests/unit/cognito-verifier.test.ts, 5.2), re-expressed against this package: each test is named
// after the upstream describe/test path it comes from. Keys and tokens are made here by node:crypto.
// Where this package is deliberately stricter, the test asserts the stricter answer and says why:
// - upstream signs tokens without `exp`; this package refuses a token without `exp` (a token that
//   never expires is not one Cognito issues), so the ports add one, and the first test asserts the
//   refusal;
// - messages are this package's own: the tests check the class and code, and the option named.

const crypto = require('node:crypto')
const test = require('ava')
const { CognitoJwtVerifier } = require('..')
const {
  CognitoJwtInvalidGroupError,
  CognitoJwtInvalidTokenUseError,
  JwtParseError,
  ParameterValidationError,
} = require('cognito-user-pool/error')

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** upstream's test-util generateKeyPair: an RS256 key pair, its JWK and a JWKS of it. */
function generateKeyPair() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), alg: 'RS256', use: 'sig' }
  return { privateKey, jwk, jwks: { keys: [jwk] } }
}

/** upstream's test-util signJwt, with the `exp` this package requires (see above). */
function signJwt(header, payload, privateKey, { withExp = true } = {}) {
  const claims = withExp ? { exp: Math.floor(Date.now() / 1000) + 600, ...payload } : payload
  const input = `${b64({ alg: 'RS256', ...header })}.${b64(claims)}`
  return `${input}.${crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
}

const keypair = generateKeyPair()
const ISS_ABC = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc'

test('CognitoJwtVerifier › verify › happy flow', async (t) => {
  const userPoolId = 'us-east-1_123456'
  const { issuer } = CognitoJwtVerifier.parseUserPoolId(userPoolId)
  const signedJwt = signJwt({ kid: keypair.jwk.kid }, { hello: 'world', iss: issuer, token_use: 'access' }, keypair.privateKey)
  const calls = []
  const cognitoVerifier = CognitoJwtVerifier.create({ userPoolId, customJwtCheck: (input) => calls.push(input) })
  cognitoVerifier.cacheJwks(keypair.jwks)
  const claims = await cognitoVerifier.verify(signedJwt, { clientId: null, tokenUse: null, groups: null, scope: null })
  t.is(claims.hello, 'world')
  const [header, payload] = signedJwt
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url')))
  t.deepEqual(calls, [{ header, payload, jwk: keypair.jwk }])
  // Stricter: the same token without exp is refused.
  const noExp = signJwt({ kid: keypair.jwk.kid }, { hello: 'world', iss: issuer, token_use: 'access' }, keypair.privateKey, {
    withExp: false,
  })
  const err = await t.throwsAsync(cognitoVerifier.verify(noExp, { clientId: null, tokenUse: null }))
  t.true(err instanceof JwtParseError)
})

/** The three includeRawJwtInErrors cases of verify and of verifySync, upstream's payload each. */
function rawJwtCase(flagAt, sync) {
  const userPoolId = 'us-east-1_123456'
  const { issuer } = CognitoJwtVerifier.parseUserPoolId(userPoolId)
  const header = { alg: 'RS256', kid: keypair.jwk.kid }
  const payload = { hello: 'world', iss: issuer, token_use: 'access', exp: Math.floor(Date.now() / 1000) + 600 }
  const signedJwt = signJwt(header, payload, keypair.privateKey)
  const verifier = CognitoJwtVerifier.create({ userPoolId, ...(flagAt === 'verifier' ? { includeRawJwtInErrors: true } : {}) })
  verifier.cacheJwks(keypair.jwks)
  const props = { clientId: null, tokenUse: 'id', ...(flagAt === 'statement' ? { includeRawJwtInErrors: true } : {}) }
  return { header, payload, run: () => (sync ? verifier.verifySync(signedJwt, props) : verifier.verify(signedJwt, props)) }
}

for (const [name, flagAt, sync] of [
  ['verify - flag set at statement level', 'statement', false],
  ['verify - flag set at verifier level', 'verifier', false],
  ['verify - flag NOT set', 'none', false],
  ['verifySync - flag set at verifier level', 'verifier', true],
  ['verifySync - flag NOT set', 'none', true],
]) {
  test(`CognitoJwtVerifier › includeRawJwtInErrors › ${name}`, async (t) => {
    const { header, payload, run } = rawJwtCase(flagAt, sync)
    const err = sync ? t.throws(run) : await t.throwsAsync(run())
    t.true(err instanceof CognitoJwtInvalidTokenUseError)
    if (flagAt === 'none') t.is(err.rawJwt, undefined)
    else t.deepEqual(err.rawJwt, { header, payload })
  })
}

test('CognitoJwtVerifier › verifySync › happy flow', (t) => {
  const userPoolId = 'us-east-1_123456'
  const { issuer } = CognitoJwtVerifier.parseUserPoolId(userPoolId)
  const signedJwt = signJwt({ kid: keypair.jwk.kid }, { hello: 'world', iss: issuer, token_use: 'access' }, keypair.privateKey)
  const cognitoVerifier = CognitoJwtVerifier.create({ userPoolId })
  cognitoVerifier.cacheJwks(keypair.jwks)
  t.is(cognitoVerifier.verifySync(signedJwt, { clientId: null, tokenUse: null, groups: null, scope: null }).hello, 'world')
})

test('CognitoJwtVerifier › verifySync › id token check', (t) => {
  const verifier = CognitoJwtVerifier.create({ userPoolId: 'us-east-1_abc', clientId: 'myclientid', tokenUse: 'id' })
  verifier.cacheJwks(keypair.jwks)
  const signedIdJwt = signJwt(
    { kid: keypair.jwk.kid },
    { token_use: 'id', hello: 'world', iss: ISS_ABC, aud: 'myclientid' },
    keypair.privateKey,
  )
  t.like(verifier.verifySync(signedIdJwt), { token_use: 'id', hello: 'world' })
  t.true(t.throws(() => verifier.verifySync(signedIdJwt, { tokenUse: 'access' })) instanceof CognitoJwtInvalidTokenUseError)
})

test('CognitoJwtVerifier › verifySync › access token check', (t) => {
  const verifier = CognitoJwtVerifier.create({ userPoolId: 'us-east-1_abc', clientId: 'myclientid', tokenUse: 'access' })
  verifier.cacheJwks(keypair.jwks)
  const signedAccessJwt = signJwt(
    { kid: keypair.jwk.kid },
    { token_use: 'access', hello: 'world', iss: ISS_ABC, client_id: 'myclientid' },
    keypair.privateKey,
  )
  t.like(verifier.verifySync(signedAccessJwt), { token_use: 'access', hello: 'world' })
  t.true(t.throws(() => verifier.verifySync(signedAccessJwt, { tokenUse: 'id' })) instanceof CognitoJwtInvalidTokenUseError)
})

test('CognitoJwtVerifier › verifySync › missing token use', (t) => {
  const verifier = CognitoJwtVerifier.create({ userPoolId: 'us-east-1_abc', clientId: 'myclientid', tokenUse: 'access' })
  verifier.cacheJwks(keypair.jwks)
  const signedAccessJwt = signJwt({ kid: keypair.jwk.kid }, { hello: 'world', iss: ISS_ABC, client_id: 'myclientid' }, keypair.privateKey)
  const err = t.throws(() => verifier.verifySync(signedAccessJwt))
  t.true(err instanceof CognitoJwtInvalidTokenUseError)
  t.regex(err.message, /neither an id nor an access token/)
})

test('CognitoJwtVerifier › verifySync › Cognito group check works', (t) => {
  const verifier = CognitoJwtVerifier.create({ userPoolId: 'us-east-1_abc', clientId: 'myclientid', tokenUse: 'access', groups: ['admin'] })
  verifier.cacheJwks(keypair.jwks)
  const base = { token_use: 'access', hello: 'world', iss: ISS_ABC, client_id: 'myclientid' }
  const adminJwt = signJwt({ kid: keypair.jwk.kid }, { ...base, 'cognito:groups': ['users', 'others', 'admin'] }, keypair.privateKey)
  const userJwt = signJwt({ kid: keypair.jwk.kid }, { ...base, 'cognito:groups': ['users'] }, keypair.privateKey)
  const noGroupJwt = signJwt({ kid: keypair.jwk.kid }, base, keypair.privateKey)
  t.like(verifier.verifySync(adminJwt), { token_use: 'access', hello: 'world' })
  t.true(t.throws(() => verifier.verifySync(userJwt)) instanceof CognitoJwtInvalidGroupError)
  t.like(verifier.verifySync(userJwt, { groups: ['users'] }), { token_use: 'access', hello: 'world' })
  t.true(t.throws(() => verifier.verifySync(noGroupJwt)) instanceof CognitoJwtInvalidGroupError)
})

for (const option of ['clientId', 'tokenUse']) {
  test(`CognitoJwtVerifier › verifySync › ${option} undefined`, (t) => {
    const verifier = CognitoJwtVerifier.create({ userPoolId: 'us-east-1_abc', clientId: 'myclientid', tokenUse: null, [option]: undefined })
    const signedAccessJwt = signJwt(
      { kid: keypair.jwk.kid },
      { token_use: 'access', hello: 'world', iss: ISS_ABC, client_id: 'myclientid' },
      keypair.privateKey,
    )
    const err = t.throws(() => verifier.verifySync(signedAccessJwt))
    t.true(err instanceof ParameterValidationError)
    t.is(err.code, 'InvalidParameterException')
    t.true(err.message.startsWith(`${option} is undefined`), err.message)
  })
}

test('CognitoJwtVerifier › verifySync › Invalid User Pool ID', (t) => {
  const err = t.throws(() => CognitoJwtVerifier.parseUserPoolId('foo-central-bar_cfE3xfsaf'))
  t.true(err instanceof ParameterValidationError)
  t.regex(err.message, /Invalid Cognito User Pool ID/)
})

/** upstream's two identity providers of the multi-pool tests. */
const identityProviders = () => [
  { config: { userPoolId: 'us-east-1_abc', clientId: 'client1', tokenUse: 'id' }, keypair: generateKeyPair() },
  { config: { userPoolId: 'us-east-1_def', clientId: 'client2', tokenUse: 'access' }, keypair: generateKeyPair() },
]

test('CognitoJwtVerifier with multiple user pools › verifySync › happy flow', async (t) => {
  const idps = identityProviders()
  const verifier = CognitoJwtVerifier.create(idps.map((idp) => idp.config))
  for (const idp of idps) {
    verifier.cacheJwks(idp.keypair.jwks, idp.config.userPoolId)
    const id = idp.config.tokenUse === 'id'
    const claims = {
      ...(id ? { aud: idp.config.clientId } : { client_id: idp.config.clientId }),
      iss: CognitoJwtVerifier.parseUserPoolId(idp.config.userPoolId).issuer,
      hello: 'world',
      token_use: idp.config.tokenUse,
    }
    t.is((await verifier.verify(signJwt({ kid: idp.keypair.jwk.kid }, claims, idp.keypair.privateKey))).hello, 'world')
  }
})

test('CognitoJwtVerifier with multiple user pools › verifySync › cache jwks with multiple IDPs needs userPoolId', (t) => {
  const verifier = CognitoJwtVerifier.create(identityProviders().map((idp) => idp.config))
  const err = t.throws(() => verifier.cacheJwks(keypair.jwks, undefined))
  t.true(err instanceof ParameterValidationError)
  t.regex(err.message, /userPoolId/)
})

test('CognitoJwtVerifier with multiple user pools › verifySync › custom JWKS cache (here: the fetcher setting)', async (t) => {
  // Upstream plugs a JwksCache object in; this package's equivalent is the `fetcher` setting,
  // asked for the pool's JWKS URL when the keys are needed.
  const userPoolId = 'us-east-1_abc'
  const { jwksUri } = CognitoJwtVerifier.parseUserPoolId(userPoolId)
  const asked = []
  const verifier = CognitoJwtVerifier.create([{ userPoolId, tokenUse: 'id', clientId: null }], {
    fetcher: async (uri) => {
      asked.push(uri)
      return keypair.jwks
    },
  })
  await verifier.hydrate()
  t.deepEqual(asked, [jwksUri])
  const idJwt = signJwt({ kid: keypair.jwk.kid }, { token_use: 'id', iss: ISS_ABC, aud: 'any', hello: 'world' }, keypair.privateKey)
  t.is(verifier.verifySync(idJwt).hello, 'world')
})
