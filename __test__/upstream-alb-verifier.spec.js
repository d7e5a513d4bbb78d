'use strict'

// aws-jwt-verify's own unit tests of its AlbJwtVerifier (awslabs/aws-jwt-verify
// tests/unit/alb-verifier.test.ts, 5.2), re-expressed against this package's AlbJwtVerifier, each
// named after the upstream test; upstream mocks https for the load balancer's key endpoint, here a
// loopback server or the `fetcher` setting answers it. Upstream's tokens have no exp in the
// payload in places; here each has one (a token without exp is refused, as everywhere in this
// package). Upstream throws at creation for a bad option; here every verification reports it with
// the same class. Beyond upstream: tokens in the load balancer's real wire format (every part
// padded with `=`, the padded text signed), the key fetched once for a burst, and a kid the
// endpoint does not have asked for once per window.

const crypto = require('node:crypto')
const http = require('node:http')
const test = require('ava')
const { AlbJwtVerifier } = require('..')
const {
  AlbJwtInvalidClientIdError,
  AlbJwtInvalidSignerError,
  JwksNotAvailableInCacheError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureError,
  JwtWithoutValidKidError,
  ParameterValidationError,
  WaitPeriodNotYetEndedJwkError,
} = require('cognito-user-pool/error')

const EXP = 4_000_000_000
const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_123456'
const ALB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/my-load-balancer/50dc6c495c0c9188'
const GOV_ISSUER = 'https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_123456'
const GOV_ARN = 'arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:123456789012:loadbalancer/app/my-load-balancer/50dc6c495c0c9188'
const CLIENT = 'my-client-id'

function generateKeyPair(kid = crypto.randomUUID()) {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }
  return { jwk, jwks: { keys: [jwk] }, privateKey, pem: publicKey.export({ format: 'pem', type: 'spki' }) }
}

/** Base64url as the load balancer writes it with `pad`: with `=` padding. */
const encode = (bytes, pad) => {
  const text = Buffer.from(bytes).toString('base64url')
  return pad ? text.padEnd(Math.ceil(text.length / 4) * 4, '=') : text
}

/** A token as the load balancer signs it: its claims in the header (kid, signer, client, iss, exp) and the user's in the payload. */
function albToken(pair, header, payload, { pad = false, valid = true } = {}) {
  const input = `${encode(JSON.stringify({ typ: 'JWT', alg: 'ES256', kid: pair.jwk.kid, exp: EXP, ...header }), pad)}.${encode(JSON.stringify({ exp: EXP, ...payload }), pad)}`
  const signature = crypto.sign('sha256', Buffer.from(input), { key: pair.privateKey, dsaEncoding: 'ieee-p1363' })
  if (!valid) signature[0] ^= 1
  return `${input}.${encode(signature, pad)}`
}

const pair = generateKeyPair()
const standard = (extra = {}) => albToken(pair, { iss: ISSUER, client: CLIENT, signer: ALB_ARN, ...extra }, { hello: 'world', iss: ISSUER })
const decomposed = (token) => {
  const [header, payload] = token.split('.', 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()))
  return { header, payload }
}
const failsWith = async (t, promise, Class, message) => {
  const err = await t.throwsAsync(promise)
  t.true(err instanceof Class, `${err.name}: ${err.message}`)
  if (message) t.regex(err.message, message)
  return err
}

for (const [name, issuer, albArn] of [
  ['happy flow', ISSUER, ALB_ARN],
  ['happy flow - GovCloud ALB ARN', GOV_ISSUER, GOV_ARN],
]) {
  test(`AlbJwtVerifier › verify › ${name}`, async (t) => {
    const token = albToken(pair, { iss: issuer, client: CLIENT, signer: albArn }, { hello: 'world', iss: issuer })
    const seen = []
    const verifier = AlbJwtVerifier.create({ albArn, issuer, customJwtCheck: (input) => seen.push(input) })
    verifier.cacheJwks(pair.jwks)
    t.like(await verifier.verify(token, { clientId: null }), { hello: 'world' })
    t.deepEqual(seen, [{ ...decomposed(token), jwk: pair.jwk }])
  })
  test(`AlbJwtVerifier › verifySync › ${name}`, (t) => {
    const verifier = AlbJwtVerifier.create({ albArn, issuer })
    verifier.cacheJwks(pair.jwks)
    const token = albToken(pair, { iss: issuer, client: CLIENT, signer: albArn }, { hello: 'world', iss: issuer })
    t.like(verifier.verifySync(token, { clientId: null }), { hello: 'world' })
  })
}

for (const [name, albArn, valid] of [
  ['invalid load balancer ARN - too short', 'arn:aws:elasticloadbalancing', false],
  [
    'invalid load balancer ARN - invalid region',
    'arn:aws:elasticloadbalancing:.:123456789012:loadbalancer/app/my-load-balancer/50dc6c495c0c9188',
    false,
  ],
  ['valid GovCloud ALB ARN - us-gov-west-1', 'arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:123456789012:loadbalancer/app/x/1', true],
  ['valid GovCloud ALB ARN - us-gov-east-1', 'arn:aws-us-gov:elasticloadbalancing:us-gov-east-1:123456789012:loadbalancer/app/x/1', true],
  [
    'invalid partition - unsupported partition',
    'arn:aws-unsupported:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1',
    false,
  ],
]) {
  test(`AlbJwtVerifier › validateAlbJwtParams › ${name}`, async (t) => {
    const verifier = AlbJwtVerifier.create({ albArn, issuer: ISSUER, clientId: null })
    if (valid) {
      // Made, and it reaches the signer check: the token's signer is another load balancer.
      verifier.cacheJwks(pair.jwks)
      await failsWith(t, verifier.verify(standard()), AlbJwtInvalidSignerError)
    } else {
      await failsWith(
        t,
        verifier.verify(standard()),
        ParameterValidationError,
        new RegExp(`not a load balancer's ARN: ${albArn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
      )
    }
  })
}

// "includeRawJwtInErrors". Upstream's token has a bad issuer; here the issuer is checked before
// the signature, so an issuer's error never carries the token (stricter: rawJwt only for a token
// whose signature verified). The same flags are shown on a verified token refused for its signer.
const badSigner = () => albToken(pair, { iss: ISSUER, client: CLIENT, signer: `${ALB_ARN}0` }, { iss: ISSUER })
for (const mode of ['verify', 'verifySync']) {
  for (const [name, atVerifier, atCall, included] of [
    ['flag set at statement level', undefined, true, true],
    ['flag set at verifier level', true, undefined, true],
    ['flag NOT set', undefined, undefined, false],
  ]) {
    if (mode === 'verifySync' && atCall) continue // upstream has no verifySync case for it
    test(`AlbJwtVerifier › includeRawJwtInErrors › ${mode} - ${name}`, async (t) => {
      const verifier = AlbJwtVerifier.create({ albArn: ALB_ARN, issuer: ISSUER, ...(atVerifier ? { includeRawJwtInErrors: true } : {}) })
      verifier.cacheJwks(pair.jwks)
      const props = { clientId: null, ...(atCall ? { includeRawJwtInErrors: true } : {}) }
      const token = badSigner()
      const err = await failsWith(t, (async () => verifier[mode](token, props))(), AlbJwtInvalidSignerError)
      t.deepEqual(err.rawJwt, included ? decomposed(token) : undefined)
      const issuerErr = await failsWith(
        t,
        (async () => verifier[mode](albToken(pair, { iss: 'badissuer', signer: ALB_ARN }, { iss: 'badissuer' }), props))(),
        JwtInvalidIssuerError,
      )
      t.is(issuerErr.rawJwt, undefined)
    })
  }
}

test('AlbJwtVerifier › verifySync › clientId null', (t) => {
  const verifier = AlbJwtVerifier.create({ albArn: ALB_ARN, issuer: ISSUER, clientId: null })
  verifier.cacheJwks(pair.jwks)
  t.like(verifier.verifySync(standard({ client: 'any-client' })), { hello: 'world' })
})

test('AlbJwtVerifier › verifySync › clientId undefined', (t) => {
  const verifier = AlbJwtVerifier.create({ albArn: ALB_ARN, issuer: ISSUER })
  verifier.cacheJwks(pair.jwks)
  const err = t.throws(() => verifier.verifySync(standard()))
  t.true(err instanceof ParameterValidationError)
  t.regex(err.message, /clientId must be given/)
  const undef = t.throws(() => AlbJwtVerifier.create({ albArn: ALB_ARN, issuer: ISSUER, clientId: undefined }).verifySync(standard()))
  t.regex(undef.message, /clientId is undefined/)
})

test('AlbJwtVerifier › verifySync › invalid issuer', (t) => {
  const verifier = AlbJwtVerifier.create({ albArn: ALB_ARN, issuer: ISSUER, clientId: CLIENT })
  verifier.cacheJwks(pair.jwks)
  const err = t.throws(() =>
    verifier.verifySync(albToken(pair, { iss: 'badissuer', client: CLIENT, signer: ALB_ARN }, { iss: 'badissuer' })),
  )
  t.true(err instanceof JwtInvalidIssuerError)
})

test('AlbJwtVerifier › verifySync › invalid signer', (t) => {
  const verifier = AlbJwtVerifier.create({ albArn: ALB_ARN, issuer: ISSUER, clientId: CLIENT })
  verifier.cacheJwks(pair.jwks)
  const err = t.throws(() => verifier.verifySync(badSigner()))
  t.true(err instanceof AlbJwtInvalidSignerError)
  t.deepEqual(err.failedAssertion, { actual: `${ALB_ARN}0`, expected: [ALB_ARN] })
})

test('AlbJwtVerifier › verifySync › invalid clientId', (t) => {
  const verifier = AlbJwtVerifier.create({ albArn: ALB_ARN, issuer: ISSUER, clientId: CLIENT })
  verifier.cacheJwks(pair.jwks)
  const err = t.throws(() => verifier.verifySync(standard({ client: 'other-client' })))
  t.true(err instanceof AlbJwtInvalidClientIdError)
  t.is(err.code, 'AlbJwtInvalidClientIdError')
  t.is(err.statusCode, 401)
})

/** A key endpoint on loopback: each kid's PEM at `/<kid>`; `hits` counts the requests. */
async function keyEndpoint(pairs) {
  const state = { hits: [] }
  const server = http.createServer((req, res) => {
    state.hits.push(req.url)
    const found = pairs.find((p) => `/${p.jwk.kid}` === req.url)
    setTimeout(() => (found ? res.end(found.pem) : res.writeHead(404).end('not found')), 20)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return Object.assign(state, { uri: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })
}

for (const [name, region] of [
  ['default jwksUri in us-east-1', 'us-east-1'],
  ['default jwksUri in eu-west-2', 'eu-west-2'],
]) {
  test(`AlbJwtVerifier › jwksUri › ${name}`, async (t) => {
    const albArn = ALB_ARN.replace('us-east-1', region)
    const issuer = ISSUER.replaceAll('us-east-1', region)
    const asked = []
    const verifier = AlbJwtVerifier.create({ albArn, issuer, clientId: CLIENT }, { fetcher: async (url) => (asked.push(url), pair.pem) })
    t.like(await verifier.verify(albToken(pair, { iss: issuer, client: CLIENT, signer: albArn }, { hello: 'world', iss: issuer })), {
      hello: 'world',
    })
    t.deepEqual(asked, [`https://public-keys.auth.elb.${region}.amazonaws.com/${pair.jwk.kid}`])
  })
}

test('AlbJwtVerifier › jwksUri › custom jwksUri (a real HTTP fetch of the PEM, once for a burst)', async (t) => {
  const endpoint = await keyEndpoint([pair])
  t.teardown(endpoint.close)
  const verifier = AlbJwtVerifier.create({ albArn: ALB_ARN, issuer: ISSUER, clientId: CLIENT, jwksUri: endpoint.uri })
  const answers = await Promise.all(Array.from({ length: 20 }, () => verifier.verify(standard())))
  t.true(answers.every((claims) => claims.hello === 'world'))
  t.deepEqual(endpoint.hits, [`/${pair.jwk.kid}`])
  t.like(verifier.verifySync(standard()), { hello: 'world' }, 'verifySync once the key is known')
})

test('AlbJwtVerifier › multiple › happy flow with 2 albs and 2 issuers', async (t) => {
  const idps = [
    {
      config: { albArn: `${ALB_ARN.slice(0, -1)}1`, issuer: `${ISSUER}abc`, clientId: 'client1' },
      pair: generateKeyPair('11111111-1111-1111-1111-111111111111'),
    },
    {
      config: { albArn: `${ALB_ARN.slice(0, -1)}2`, issuer: `${ISSUER}def`, clientId: 'client2' },
      pair: generateKeyPair('22222222-2222-2222-2222-222222222222'),
    },
  ]
  const verifier = AlbJwtVerifier.create(idps.map((idp) => idp.config))
  for (const { config, pair: own } of idps) {
    verifier.cacheJwks(own.jwks, config.issuer)
    const token = albToken(
      own,
      { iss: config.issuer, client: config.clientId, signer: config.albArn },
      { hello: 'world', iss: config.issuer },
    )
    t.like(await verifier.verify(token), { hello: 'world' })
  }
})

test('AlbJwtVerifier › multiple › happy flow with 2 albs and 1 issuer', async (t) => {
  const [pair1, pair2] = [generateKeyPair('11111111-1111-1111-1111-111111111111'), generateKeyPair('22222222-2222-2222-2222-222222222222')]
  const [arn1, arn2] = [`${ALB_ARN}A`, `${ALB_ARN}B`]
  const verifier = AlbJwtVerifier.create({
    issuer: ISSUER,
    clientId: CLIENT,
    albArn: [arn1, arn2],
    jwksUri: 'https://public-keys.auth.elb.us-east-1.amazonaws.com',
  })
  verifier.cacheJwks(pair1.jwks)
  verifier.cacheJwks(pair2.jwks)
  t.like(await verifier.verify(albToken(pair1, { iss: ISSUER, client: CLIENT, signer: arn1 }, { hello: 'world1', iss: ISSUER })), {
    hello: 'world1',
  })
  t.like(await verifier.verify(albToken(pair2, { iss: ISSUER, client: CLIENT, signer: arn2 }, { hello: 'world2', iss: ISSUER })), {
    hello: 'world2',
  })
})

test('AlbJwtVerifier › multiple › cache jwks with multiple IDPs needs issuer', (t) => {
  const verifier = AlbJwtVerifier.create([
    { albArn: ALB_ARN, issuer: `${ISSUER}abc`, clientId: 'client1' },
    { albArn: ALB_ARN, issuer: `${ISSUER}def`, clientId: 'client2' },
  ])
  t.true(t.throws(() => verifier.cacheJwks(pair.jwks)) instanceof ParameterValidationError)
  t.true(t.throws(() => verifier.cacheJwks(pair.jwks, 'https://example-3.com')) instanceof ParameterValidationError)
})

test('AlbJwtVerifier › multiple › default jwksUri with alb arn in multiple regions error', (t) => {
  const verifier = AlbJwtVerifier.create({ albArn: [ALB_ARN, ALB_ARN.replace('us-east-1', 'eu-west-1')], issuer: ISSUER, clientId: CLIENT })
  const err = t.throws(() => verifier.verifySync(standard()))
  t.true(err instanceof ParameterValidationError)
  t.regex(err.message, /several regions need a jwksUri/)
})

test('beyond upstream: a token in the load balancer wire format (every part padded, the padded text signed) verifies; no other verifier takes padding', async (t) => {
  const token = albToken(
    pair,
    { iss: ISSUER, client: CLIENT, signer: ALB_ARN },
    { hello: 'world', iss: ISSUER, email: 'a@example.com' },
    { pad: true },
  )
  t.true(
    token.split('.').some((part) => part.endsWith('=')),
    'padded as the load balancer pads',
  )
  const verifier = AlbJwtVerifier.create({ albArn: ALB_ARN, issuer: ISSUER, clientId: CLIENT })
  verifier.cacheJwks(pair.jwks)
  t.like(await verifier.verify(token), { hello: 'world', email: 'a@example.com' })
  await failsWith(
    t,
    verifier.verify(albToken(pair, { iss: ISSUER, client: CLIENT, signer: ALB_ARN }, { iss: ISSUER }, { pad: true, valid: false })),
    JwtInvalidSignatureError,
  )
  const { JwtVerifier } = require('..')
  const generic = JwtVerifier.create({ issuer: ISSUER, audience: null, jwksUri: 'https://keys.example/jwks.json', jwks: pair.jwks })
  t.is(t.throws(() => generic.verifySync(token)).code, 'JwtParseError')
})

test('beyond upstream: a kid that is no UUID is refused before any fetch; a kid the endpoint lacks is asked once per window; verifySync never fetches', async (t) => {
  const endpoint = await keyEndpoint([pair])
  t.teardown(endpoint.close)
  const verifier = AlbJwtVerifier.create({ albArn: ALB_ARN, issuer: ISSUER, clientId: CLIENT, jwksUri: endpoint.uri })
  t.true(t.throws(() => verifier.verifySync(standard())) instanceof JwksNotAvailableInCacheError)
  await failsWith(
    t,
    verifier.verify(
      albToken({ ...pair, jwk: { ...pair.jwk, kid: '../../etc/passwd' } }, { iss: ISSUER, signer: ALB_ARN }, { iss: ISSUER }),
    ),
    JwtWithoutValidKidError,
  )
  const stranger = generateKeyPair()
  const token = albToken(stranger, { iss: ISSUER, client: CLIENT, signer: ALB_ARN }, { iss: ISSUER })
  await failsWith(t, verifier.verify(token), Error, /Could not fetch/)
  await failsWith(t, verifier.verify(token), WaitPeriodNotYetEndedJwkError)
  t.deepEqual(endpoint.hits, [`/${stranger.jwk.kid}`])
})
