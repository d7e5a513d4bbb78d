'use strict'

// The verifier fails closed: options given as `undefined` where a value or an explicit null is
// required, claims that would choose a prototype, pool ids Cognito never forms and claims of the
// wrong type are each refused with a coded error. Tokens are signed here by node:crypto; the keys
// are given to the verifier directly (no I/O).

const { spawnSync } = require('node:child_process')
const http = require('node:http')
const path = require('node:path')
const test = require('ava')
const cognitoUserPool = require('..')
const { createVerifier } = require('..')
const { listenOnLoopback } = require('./helpers')
const { jwksServer, now, signer } = require('./keys')

const POOL = 'eu-west-1_Closed1'
const ISS = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`
const rs256 = signer('RS256')
const jwks = { keys: [rs256.jwk] }
const access = (extra) => rs256.sign({ iss: ISS, token_use: 'access', client_id: 'client1', exp: now() + 600, sub: 'u1', ...extra })

test('an undefined clientId or tokenUse refuses every verification, naming the option', async (t) => {
  const env = {}
  const otherClients = access({ client_id: 'someone-else' })
  for (const [options, named] of [
    [{ userPoolId: POOL, jwks, tokenUse: 'access', clientId: env.CLIENT_ID }, 'clientId'],
    [{ userPoolId: POOL, jwks, tokenUse: env.TOKEN_USE, clientId: 'client1' }, 'tokenUse'],
    [
      [
        { userPoolId: POOL, jwks, tokenUse: null, clientId: null },
        { userPoolId: 'eu-west-1_B2', tokenUse: null, clientId: undefined },
      ],
      '[1].clientId',
    ],
  ]) {
    const verifier = createVerifier(options)
    const err = await t.throwsAsync(verifier.verify(otherClients))
    t.is(err.code, 'InvalidParameterException')
    t.is(err.statusCode, 400)
    t.true(err.message.startsWith(`${named} is undefined`), err.message)
    t.is(t.throws(() => verifier.verifySync(otherClients)).code, 'InvalidParameterException')
  }
  // null is the explicit "no check", and absent is refused as before.
  t.is(createVerifier({ userPoolId: POOL, jwks, tokenUse: null, clientId: null }).verifySync(otherClients).client_id, 'someone-else')
  const absent = createVerifier({ userPoolId: POOL, jwks, tokenUse: 'access' })
  t.regex(t.throws(() => absent.verifySync(otherClients)).message, /clientId must be given/)
})

test("pool.verifier() and verifyToken refuse undefined the same way; poolData's ClientId is the default", async (t) => {
  const poolData = { UserPoolId: POOL, ClientId: 'client1', endpoint: 'http://127.0.0.1:9' }
  const pool = cognitoUserPool(poolData)
  const mine = access()
  t.is(pool.verifier({ jwks }).verifySync(mine).client_id, 'client1')
  t.is(t.throws(() => pool.verifier({ jwks }).verifySync(access({ client_id: 'other' }))).code, 'CognitoJwtInvalidClientIdError')
  for (const options of [
    { jwks, clientId: undefined },
    { jwks, tokenUse: undefined },
  ]) {
    const err = t.throws(() => pool.verifier(options).verifySync(access({ client_id: 'other' })))
    t.is(err.code, 'InvalidParameterException')
    t.regex(err.message, /is undefined/)
  }
  // A pool without a ClientId has no client to check: refused, not "any client".
  const clientless = cognitoUserPool({ UserPoolId: POOL, endpoint: 'http://127.0.0.1:9' })
  t.regex(t.throws(() => clientless.verifier({ jwks }).verifySync(mine)).message, /^clientId is undefined/)
  const err = await t.throwsAsync(pool.verifyToken({ token: mine, tokenUse: undefined }))
  t.is(err.code, 'InvalidParameterException')
  t.regex(err.message, /^tokenUse is undefined/)
})

test('claims named __proto__ or constructor never reach the caller, at any depth', (t) => {
  const verifier = createVerifier({ userPoolId: POOL, jwks, tokenUse: 'access', clientId: 'client1' })
  const base = `"iss":"${ISS}","token_use":"access","client_id":"client1","exp":${now() + 600}`
  for (const payload of [
    `{${base},"__proto__":{"isAdmin":true}}`,
    `{${base},"\\u005f_proto__":{"isAdmin":true}}`,
    `{${base},"profile":{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}}}}`,
    `{${base},"list":[{"constructor":{"name":"x"}}]}`,
  ]) {
    const claims = verifier.verifySync(rs256.sign(payload))
    for (const object of [claims, claims.profile ?? {}, ...(claims.list ?? [])]) {
      t.false(Object.hasOwn(object, '__proto__'), payload)
      t.false(Object.hasOwn(object, 'constructor'), payload)
      t.is(Object.getPrototypeOf(object), Object.prototype)
    }
    t.is(Object.assign({}, claims).isAdmin, undefined, payload)
    t.is(Object.assign({}, claims.profile).isAdmin, undefined, payload)
    t.is(claims.client_id, 'client1')
  }
})

test('pool ids as Cognito forms them: GovCloud, China and the sovereign cloud (issuers on their own hosts), and nothing else', (t) => {
  for (const userPoolId of ['us-gov-west-1_Gov1', 'cn-north-1_Cn1', 'eusc-de-east-1_Eu1']) {
    const [region] = userPoolId.split('_')
    const suffix = { cn: 'amazonaws.com.cn', eusc: 'amazonaws.eu' }[region.split('-')[0]] ?? 'amazonaws.com'
    const iss = `https://cognito-idp.${region}.${suffix}/${userPoolId}`
    const verifier = createVerifier({ userPoolId, jwks, tokenUse: 'access', clientId: 'client1' })
    t.is(verifier.verifySync(access({ iss })).iss, iss, userPoolId)
  }
  for (const userPoolId of ['foo-central-bar_x', 'us-east-1', 'evil.example/x-east-1_A', 'us-east-1_a-b', 'useast-east-1_x']) {
    const err = t.throws(() => createVerifier({ userPoolId, jwks, tokenUse: null, clientId: null }).verifySync(access()))
    t.is(err.code, 'InvalidParameterException', userPoolId)
    t.regex(err.message, /userPoolId must look like/)
  }
})

test('claims of the wrong type are refused, each by the error of its own check', (t) => {
  const verifier = createVerifier({ userPoolId: POOL, jwks, tokenUse: 'access', clientId: 'client1' })
  for (const [claims, code] of [
    [{ sub: 1 }, 'JwtParseError'],
    [{ iat: 'yesterday' }, 'JwtParseError'],
    [{ jti: 7 }, 'JwtParseError'],
    [{ aud: [1] }, 'JwtParseError'],
    [{ scope: ['read'] }, 'JwtParseError'],
    [{ token_use: 1 }, 'CognitoJwtInvalidTokenUseError'],
    [{ token_use: ['access'] }, 'CognitoJwtInvalidTokenUseError'],
    [{ client_id: ['client1'] }, 'CognitoJwtInvalidClientIdError'],
    [{ client_id: 1 }, 'CognitoJwtInvalidClientIdError'],
    [{ 'cognito:groups': 'admins' }, 'CognitoJwtInvalidGroupError'],
    [{ 'cognito:groups': ['admins', 2] }, 'CognitoJwtInvalidGroupError'],
  ]) {
    const err = t.throws(() => verifier.verifySync(access(claims)))
    t.is(err.code, code, JSON.stringify(claims))
    t.is(err.statusCode, 401)
  }
  t.is(verifier.verifySync(access({ iat: now(), jti: 'j1', 'cognito:groups': ['admins'] })).jti, 'j1')
})

test("verifySync with an async customJwtCheck: the documented error, and the check's rejection never ends the process", (t) => {
  // A process of its own, in Node's default mode, where an unhandled rejection is fatal.
  const script = `
    const { createVerifier } = require(${JSON.stringify(path.join(__dirname, '..'))})
    const jwks = ${JSON.stringify(jwks)}
    const verifier = createVerifier({ userPoolId: '${POOL}', jwks, tokenUse: 'access', clientId: 'client1',
      customJwtCheck: async () => { throw new Error('denied by the async check') } })
    try { verifier.verifySync(process.argv[1]) } catch (err) { console.log(err.code) }
    setTimeout(() => console.log('still alive'), 50)
  `
  const run = spawnSync(process.execPath, ['-e', script, access()], { encoding: 'utf8' })
  t.is(run.status, 0, run.stderr)
  t.deepEqual(run.stdout.trim().split('\n'), ['InvalidParameterException', 'still alive'])
})

test("a verification's own options, as aws-jwt-verify takes them per call, go over the verifier's and are never dropped", async (t) => {
  const bare = createVerifier({ userPoolId: POOL, jwks })
  const token = access({ scope: 'read', 'cognito:groups': ['readers'] })
  t.regex(t.throws(() => bare.verifySync(token)).message, /^tokenUse must be given/)
  t.regex((await t.throwsAsync(bare.verify(token, { tokenUse: 'access' }))).message, /^clientId must be given/)
  t.is(bare.verifySync(token, { tokenUse: 'access', clientId: 'client1' }).sub, 'u1')
  t.is((await bare.verify(token, { tokenUse: null, clientId: ['other', 'client1'] })).sub, 'u1')
  for (const [props, code] of [
    [{ tokenUse: 'id', clientId: null }, 'CognitoJwtInvalidTokenUseError'],
    [{ tokenUse: 'access', clientId: 'other' }, 'CognitoJwtInvalidClientIdError'],
    [{ tokenUse: 'access', clientId: 'client1', scope: 'write' }, 'JwtInvalidScopeError'],
    [{ tokenUse: 'access', clientId: 'client1', groups: ['admins'] }, 'CognitoJwtInvalidGroupError'],
    [{ tokenUse: 'access', clientId: undefined }, 'InvalidParameterException'],
    [{ tokenUse: 'refresh', clientId: null }, 'InvalidParameterException'],
    ['access', 'InvalidParameterException'],
  ]) {
    t.is(t.throws(() => bare.verifySync(token, props)).code, code, JSON.stringify(props))
    t.is((await t.throwsAsync(bare.verify(token, props))).code, code, JSON.stringify(props))
  }
  // Over a verifier's own checks: the call's value wins, null turns a check off, absent keeps it.
  const strict = createVerifier({ userPoolId: POOL, jwks, tokenUse: 'id', clientId: 'client1', scope: 'write' })
  t.is(t.throws(() => strict.verifySync(token)).code, 'CognitoJwtInvalidTokenUseError')
  t.is(t.throws(() => strict.verifySync(token, { tokenUse: 'access' })).code, 'JwtInvalidScopeError')
  t.is(strict.verifySync(token, { tokenUse: 'access', scope: null }).sub, 'u1')
  const late = access({ exp: now() - 5 })
  t.is(t.throws(() => strict.verifySync(late, { tokenUse: 'access', scope: null })).code, 'JwtExpiredError')
  t.is(strict.verifySync(late, { tokenUse: 'access', scope: null, graceSeconds: 30 }).sub, 'u1')
  const denied = await t.throwsAsync(
    strict.verify(token, {
      tokenUse: 'access',
      scope: null,
      customJwtCheck: ({ payload }) => {
        throw Object.assign(new Error(`no ${payload.sub}`), { code: 'Denied' })
      },
    }),
  )
  t.is(denied.code, 'Denied')
})

test("a multi-region pool's replicas: tokens whose issuer names a replica region, in both formats; no other region", (t) => {
  const verifier = createVerifier({
    userPoolId: POOL,
    jwks,
    tokenUse: 'access',
    clientId: 'client1',
    replicaRegions: ['us-east-1', 'ap-south-1'],
  })
  for (const host of ['cognito-idp.us-east-1', 'issuer-cognito-idp.ap-south-1', 'cognito-idp.eu-west-1']) {
    const iss = `https://${host}.amazonaws.com/${POOL}`
    t.is(verifier.verifySync(access({ iss })).iss, iss)
  }
  const err = t.throws(() => verifier.verifySync(access({ iss: `https://cognito-idp.us-west-2.amazonaws.com/${POOL}` })))
  t.is(err.code, 'JwtInvalidIssuerError')
  for (const replicaRegions of [['moon'], 'eu-west-1x', [1]]) {
    const bad = createVerifier({ userPoolId: POOL, jwks, tokenUse: null, clientId: null, replicaRegions })
    t.regex(t.throws(() => bad.verifySync(access())).message, /replicaRegions must be/)
  }
})

test('access tokens bound to a resource (RFC 8707): audience checks their aud, at creation or per call', (t) => {
  const verifier = createVerifier({ userPoolId: POOL, jwks, tokenUse: 'access', clientId: 'client1', audience: 'https://api.example' })
  t.is(verifier.verifySync(access({ aud: 'https://api.example' })).aud, 'https://api.example')
  t.is(verifier.verifySync(access({ aud: ['https://other.example', 'https://api.example'] })).sub, 'u1')
  for (const aud of [undefined, 'https://other.example', ['x']]) {
    t.is(t.throws(() => verifier.verifySync(access({ aud }))).code, 'JwtInvalidAudienceError', String(aud))
  }
  t.is(verifier.verifySync(access({ aud: 'https://other.example' }), { audience: 'https://other.example' }).sub, 'u1')
  t.is(verifier.verifySync(access({}), { audience: null }).sub, 'u1', 'null turns the check off for the call')
})

test("a token's key that cannot verify signatures answers with its own problem; a malformed JWKS is refused whole", async (t) => {
  const { n, e } = rs256.jwk
  const keys = [
    rs256.jwk,
    { kty: 'RSA', kid: 'for-encryption', use: 'enc', n, e },
    { kty: 'RSA', kid: 'no-modulus', e },
    { kty: 'oct', kid: 'symmetric', k: 'c2VjcmV0' },
    { kty: 'EC', kid: 'no-y', crv: 'P-256', x: 'AAAA' },
  ]
  const verifier = createVerifier({ userPoolId: POOL, jwks: { keys }, tokenUse: 'access', clientId: 'client1' })
  t.is(verifier.verifySync(access()).sub, 'u1', 'the good key beside them still verifies')
  for (const [kid, code] of [
    ['for-encryption', 'JwkInvalidUseError'],
    ['no-modulus', 'JwkValidationError'],
    ['symmetric', 'JwkInvalidKtyError'],
    ['no-y', 'JwkValidationError'],
  ]) {
    const err = t.throws(() =>
      verifier.verifySync(rs256.sign({ iss: ISS, token_use: 'access', client_id: 'client1', exp: now() + 60 }, { kid })),
    )
    t.is(err.code, code, kid)
    t.is(err.statusCode, 401)
  }
  // A served JWKS with one malformed entry is refused whole, the good key with it.
  const served = await jwksServer([rs256.jwk, 'not a key'])
  try {
    const fetching = createVerifier({ userPoolId: POOL, jwksUri: served.url, tokenUse: 'access', clientId: 'client1' })
    const err = await t.throwsAsync(fetching.verify(access()))
    t.is(err.code, 'JwkValidationError')
    t.is(err.statusCode, 503)
  } finally {
    served.close()
  }
})

test("errors are aws-jwt-verify's classes (cognito-user-pool/error): instanceof, failedAssertion, rawJwt on request", async (t) => {
  const errors = require('cognito-user-pool/error')
  const verifier = createVerifier({ userPoolId: POOL, jwks, tokenUse: 'access', clientId: 'client1', groups: 'admins' })
  const expired = t.throws(() => verifier.verifySync(access({ exp: now() - 60, 'cognito:groups': ['admins'] })))
  t.true(expired instanceof errors.JwtExpiredError)
  t.true(expired instanceof errors.JwtInvalidClaimError)
  t.true(expired instanceof errors.JwtBaseError)
  t.true(expired instanceof Error)
  t.is(expired.code, 'JwtExpiredError')
  t.is(expired.rawJwt, undefined, 'only on request')
  const group = t.throws(() => verifier.verifySync(access({ 'cognito:groups': ['readers'] })))
  t.true(group instanceof errors.CognitoJwtInvalidGroupError)
  t.deepEqual(group.failedAssertion, { actual: ['readers'], expected: ['admins'] })
  const client = t.throws(() => verifier.verifySync(access({ client_id: 'other' })))
  t.deepEqual(client.failedAssertion, { actual: 'other', expected: ['client1'] })
  const issuer = t.throws(() => verifier.verifySync(access({ iss: 'https://evil.example/x' })))
  t.true(issuer instanceof errors.JwtInvalidIssuerError)
  t.is(issuer.failedAssertion.actual, 'https://evil.example/x')
  t.true(t.throws(() => verifier.verifySync('a.b.c')) instanceof errors.JwtParseError)
  t.true(
    t.throws(() => verifier.verifySync(42)) instanceof errors.ParameterValidationError,
    "a bad argument: aws-jwt-verify's class for bad parameters",
  )

  const raw = createVerifier({ userPoolId: POOL, jwks, tokenUse: 'access', clientId: 'client1', includeRawJwtInErrors: true })
  const wrongUse = await t.throwsAsync(raw.verify(access({ token_use: 'id', aud: 'client1' }), { tokenUse: 'access' }))
  t.deepEqual(wrongUse.rawJwt.header, { alg: 'RS256', kid: 'RS256-key' })
  t.is(wrongUse.rawJwt.payload.token_use, 'id')
  t.is(t.throws(() => verifier.verifySync(access({ client_id: 'x' }), { includeRawJwtInErrors: true })).rawJwt.payload.client_id, 'x')
  t.is(t.throws(() => raw.verifySync(access({ iss: 'https://evil.example/x' }))).rawJwt, undefined, 'not before the signature was checked')
  t.is(t.throws(() => raw.verifySync(access(), { includeRawJwtInErrors: 'yes' })).code, 'InvalidParameterException')
  // A custom check may throw a subclass of the package's own classes.
  class NotAnAdmin extends errors.JwtInvalidClaimError {}
  const custom = t.throws(() =>
    createVerifier({
      userPoolId: POOL,
      jwks,
      tokenUse: 'access',
      clientId: 'client1',
      customJwtCheck: () => {
        throw new NotAnAdmin('no', 'user', 'admin')
      },
    }).verifySync(access()),
  )
  t.true(custom instanceof errors.JwtInvalidClaimError)
  t.deepEqual(custom.failedAssertion, { actual: 'user', expected: 'admin' })
})

test('EdDSA: Ed25519 keys (OKP) verify their tokens, bound to their algorithm; Ed448 is refused as unusable', (t) => {
  const ed = signer('EdDSA')
  const ed448 = signer('EdDSA', 'ed448-key', { curve: 'ed448' })
  const verifier = createVerifier({
    userPoolId: POOL,
    jwks: { keys: [ed.jwk, ed448.jwk, rs256.jwk] },
    tokenUse: 'access',
    clientId: 'client1',
  })
  const claims = { iss: ISS, token_use: 'access', client_id: 'client1', exp: now() + 60, sub: 'ed' }
  t.is(verifier.verifySync(ed.sign(claims)).sub, 'ed')
  const tampered = ed.sign({ ...claims, sub: 'other' }).split('.')
  tampered[2] = ed.sign(claims).split('.')[2]
  t.is(t.throws(() => verifier.verifySync(tampered.join('.'))).code, 'JwtInvalidSignatureError')
  t.is(t.throws(() => verifier.verifySync(ed.sign(claims, { alg: 'RS256' }))).code, 'JwtInvalidSignatureAlgorithmError')
  t.is(t.throws(() => verifier.verifySync(rs256.sign(claims, { alg: 'EdDSA' }))).code, 'JwtInvalidSignatureAlgorithmError')
  const unusable = t.throws(() => verifier.verifySync(ed448.sign(claims)))
  t.is(unusable.code, 'JwkValidationError')
  t.regex(unusable.message, /Ed25519/)
})

test('JWKS fetches: a second unknown kid within the window waits (WaitPeriodNotYetEndedJwkError); a reset connection is tried once more', async (t) => {
  const served = await jwksServer([rs256.jwk])
  try {
    const verifier = createVerifier({ userPoolId: POOL, jwksUri: served.url, tokenUse: 'access', clientId: 'client1' })
    const claims = { iss: ISS, token_use: 'access', client_id: 'client1', exp: now() + 60 }
    t.is((await t.throwsAsync(verifier.verify(rs256.sign(claims, { kid: 'first-unknown' })))).code, 'KidNotFoundInJwksError')
    const waiting = await t.throwsAsync(verifier.verify(rs256.sign(claims, { kid: 'second-unknown' })))
    t.is(waiting.code, 'WaitPeriodNotYetEndedJwkError')
    t.true(waiting instanceof require('cognito-user-pool/error').WaitPeriodNotYetEndedJwkError)
    t.is(served.requests, 1)
    t.is((await verifier.verify(access())).sub, 'u1', 'the known key still verifies')
    // The penalty box is the verifier's to set: no wait fetches for every unknown kid.
    const eager = createVerifier([{ userPoolId: POOL, jwksUri: served.url, tokenUse: 'access', clientId: 'client1' }], {
      jwksWaitSeconds: 0,
    })
    for (const kid of ['a', 'b']) t.is((await t.throwsAsync(eager.verify(rs256.sign(claims, { kid })))).code, 'KidNotFoundInJwksError')
    t.is(served.requests, 3)
    const bad = createVerifier({ userPoolId: POOL, jwksUri: served.url, tokenUse: 'access', clientId: 'client1', jwksWaitSeconds: -1 })
    t.regex((await t.throwsAsync(bad.verify(access()))).message, /jwksWaitSeconds must be/)
  } finally {
    served.close()
  }
  let requests = 0
  const resetting = await listenOnLoopback(
    http.createServer((req, res) => {
      requests++
      if (requests === 1) return req.socket.destroy()
      res.end(JSON.stringify(jwks))
    }),
  )
  try {
    const verifier = createVerifier({ userPoolId: POOL, jwksUri: `${resetting.url}/jwks.json`, tokenUse: 'access', clientId: 'client1' })
    t.is((await verifier.verify(access())).sub, 'u1')
    t.is(requests, 2)
  } finally {
    resetting.close()
  }
})

test('any OIDC issuer (JwtVerifier.create, as aws-jwt-verify): issuer, audience required (null for any), its own JWKS; no Cognito claims asked', async (t) => {
  const { JwtVerifier, CognitoJwtVerifier } = require('..')
  const issuer = 'https://login.example.com/tenant-1/v2.0'
  const ed = signer('EdDSA', 'oidc-key')
  const served = await jwksServer([ed.jwk])
  try {
    const verifier = JwtVerifier.create({ issuer, audience: 'api://orders', jwksUri: served.url, scope: 'orders.read' })
    const claims = { iss: issuer, aud: 'api://orders', sub: 'someone', exp: now() + 60, scope: 'orders.read' }
    t.is((await verifier.verify(ed.sign(claims))).sub, 'someone', 'no token_use or client_id is asked for')
    for (const [extra, code] of [
      [{ aud: 'api://other' }, 'JwtInvalidAudienceError'],
      [{ aud: undefined }, 'JwtInvalidAudienceError'],
      [{ iss: 'https://evil.example/' }, 'JwtInvalidIssuerError'],
      [{ scope: 'orders.write' }, 'JwtInvalidScopeError'],
      [{ exp: now() - 10 }, 'JwtExpiredError'],
    ]) {
      t.is(t.throws(() => verifier.verifySync(ed.sign({ ...claims, ...extra }))).code, code, JSON.stringify(extra))
    }
    t.is(verifier.verifySync(ed.sign({ ...claims, aud: 'api://other' }), { audience: null }).sub, 'someone')
    const env = {}
    for (const [options, says] of [
      [{ issuer, jwksUri: served.url }, /^audience must be given/],
      [{ issuer, audience: env.AUDIENCE, jwksUri: served.url }, /^audience is undefined/],
      // An issuer's keys default to its /.well-known/jwks.json (as aws-jwt-verify); without an
      // issuer to check, only jwksUri says where they are.
      [{ issuer: null, audience: null }, /jwksUri must be given when issuer is null/],
    ]) {
      t.regex(t.throws(() => JwtVerifier.create(options).verifySync(ed.sign(claims))).message, says)
    }
    // Issuers and Cognito pools in one verifier, each with its own custom check.
    const both = CognitoJwtVerifier.create([
      { issuer, audience: null, jwksUri: served.url, customJwtCheck: ({ payload }) => t.is(payload.iss, issuer) },
      { userPoolId: POOL, jwks, tokenUse: 'access', clientId: 'client1' },
    ])
    t.is((await both.verify(ed.sign(claims))).sub, 'someone')
    t.is(both.verifySync(access()).sub, 'u1')
  } finally {
    served.close()
  }
})

test('tokenCache: a token verified once skips its signature, never its checks nor its expiry', async (t) => {
  const verifier = createVerifier({ userPoolId: POOL, jwks, tokenUse: 'access', clientId: 'client1', tokenCache: { maxEntries: 100 } })
  const shortLived = access({ exp: now() + 2 })
  t.is(verifier.verifySync(shortLived).sub, 'u1')
  // Keys replaced: the cached token needs no key, a new one does.
  verifier.cacheJwks({ keys: [signer('RS256', 'other-key').jwk] })
  t.is(verifier.verifySync(shortLived).sub, 'u1', 'a hit')
  t.is(t.throws(() => verifier.verifySync(access({ jti: 'fresh' }))).code, 'KidNotFoundInJwksError')
  // The call's own checks and the custom check apply to a hit as to a first verification.
  t.is(t.throws(() => verifier.verifySync(shortLived, { tokenUse: 'id' })).code, 'CognitoJwtInvalidTokenUseError')
  t.is(
    t.throws(() =>
      verifier.verifySync(shortLived, {
        customJwtCheck: () => {
          throw new Error('custom')
        },
      }),
    ).message,
    'custom',
  )
  const tampered = shortLived.slice(0, -2) + (shortLived.endsWith('AA') ? 'BB' : 'AA')
  t.is(t.throws(() => verifier.verifySync(tampered)).code, 'KidNotFoundInJwksError', 'another string is no hit')
  await new Promise((resolve) => setTimeout(resolve, 2100))
  t.is(t.throws(() => verifier.verifySync(shortLived)).code, 'JwtExpiredError', 'never past exp')
  for (const tokenCache of ['yes', { maxEntries: -1 }]) {
    t.regex(
      t.throws(() => createVerifier({ userPoolId: POOL, jwks, tokenUse: null, clientId: null, tokenCache }).verifySync(access())).message,
      /tokenCache/,
    )
  }
})

test("a fetcher of the caller's own brings the keys: one call per URL at a time, the same window, hydrate too", async (t) => {
  const asked = []
  let answer = { keys: [rs256.jwk] }
  const fetcher = async (uri) => {
    asked.push(uri)
    await new Promise((resolve) => setTimeout(resolve, 20))
    if (answer instanceof Error) throw answer
    return answer
  }
  const jwksUri = 'https://keys.internal.example/jwks.json'
  const verifier = createVerifier({ userPoolId: POOL, jwksUri, tokenUse: 'access', clientId: 'client1', fetcher })
  const all = await Promise.all(Array.from({ length: 50 }, () => verifier.verify(access())))
  t.true(all.every((claims) => claims.sub === 'u1'))
  t.deepEqual(asked, [jwksUri], 'fifty verifications, one call')
  // aws-jwt-verify's penalty box: an unknown kid after a load that had its kid loads again (a
  // key rotation is seen at once); that load not having it starts the window, in which the next
  // unknown kid waits without a call.
  const withKid = (kid) => rs256.sign({ iss: ISS, token_use: 'access', client_id: 'client1', exp: now() + 60 }, { kid })
  t.is((await t.throwsAsync(verifier.verify(withKid('x')))).code, 'KidNotFoundInJwksError')
  t.is(asked.length, 2, 'an unknown kid, a second call')
  t.is((await t.throwsAsync(verifier.verify(withKid('y')))).code, 'WaitPeriodNotYetEndedJwkError')
  t.is(asked.length, 2, 'within the window, no third call')

  answer = new Error('secret-laden failure text')
  const failing = createVerifier([{ userPoolId: POOL, jwksUri, tokenUse: 'access', clientId: 'client1' }], { fetcher, jwksWaitSeconds: 0 })
  const err = await t.throwsAsync(failing.verify(access()))
  t.is(err.code, 'FetchError')
  t.false(err.message.includes('secret-laden'), "the fetcher's own error is not repeated")
  answer = { keys: [rs256.jwk] }
  await failing.hydrate()
  t.is(failing.verifySync(access()).sub, 'u1', 'hydrate went through the fetcher')
  t.regex(
    t.throws(() => createVerifier({ userPoolId: POOL, tokenUse: null, clientId: null, fetcher: 'no' }).verifySync(access())).message,
    /fetcher must be a function/,
  )
  // A fetcher that never answers is a failed fetch after the verifier's timeout, not a hang.
  const stalled = createVerifier({
    userPoolId: POOL,
    jwksUri,
    tokenUse: 'access',
    clientId: 'client1',
    timeout: 200,
    fetcher: () => new Promise(() => {}),
  })
  const started = Date.now()
  t.is((await t.throwsAsync(stalled.verify(access()))).code, 'FetchError')
  t.true(Date.now() - started < 2000)
})
