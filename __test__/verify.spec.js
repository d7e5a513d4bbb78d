'use strict'

// Token verification end to end: fakecloud's real RS256 tokens and its JWKS (served at its own
// address while `iss` names AWS, hence jwksUri / poolData.jwksUrl), and tokens the tests sign with
// keys of their own (ES256, RS384...) served from a loopback JWKS server that counts its requests.

const crypto = require('node:crypto')
const http = require('node:http')
const test = require('ava')
const cognitoUserPool = require('..')
const { createVerifier } = require('..')
const { admin, createPool, listenOnLoopback, loggedInUser, URL } = require('./helpers')
const { b64, claimsOf, now, signer, jwksServer } = require('./keys')

const parts = (jwt) => jwt.split('.')

const POOL = 'eu-west-1_Own1'
const ISS = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`
const accessClaims = (extra) => ({
  iss: ISS,
  token_use: 'access',
  client_id: 'client1',
  exp: now() + 600,
  sub: 'u1',
  scope: 'read write',
  'cognito:groups': ['readers'],
  ...extra,
})

test.before(async (t) => {
  const poolData = await createPool()
  const jwksUri = `${URL}/${poolData.UserPoolId}/.well-known/jwks.json`
  t.context.poolData = { ...poolData, jwksUrl: jwksUri }
  t.context.jwksUri = jwksUri
  t.context.pool = cognitoUserPool(t.context.poolData)
  const username = `grouped-${Date.now()}`
  await admin('CreateGroup', { UserPoolId: poolData.UserPoolId, GroupName: 'admins' })
  t.context.user = await loggedInUser(poolData)
  await admin('AdminAddUserToGroup', { UserPoolId: poolData.UserPoolId, Username: t.context.user.username, GroupName: 'admins' })
  t.context.grouped = await loggedInUser(poolData)
  await admin('AdminAddUserToGroup', { UserPoolId: poolData.UserPoolId, Username: t.context.grouped.username, GroupName: 'admins' })
  t.context.grouped.tokens = await cognitoUserPool(poolData).login({
    username: t.context.grouped.username,
    password: t.context.grouped.password,
  })
  t.log(`pool ${poolData.UserPoolId}, ${username}`)
})

const fakecloudVerifier = (t, options) =>
  createVerifier({ userPoolId: t.context.poolData.UserPoolId, jwksUri: t.context.jwksUri, ...options })

test("fakecloud tokens: id, access and either, for the pool's client", async (t) => {
  const { user, poolData } = t.context
  const id = await fakecloudVerifier(t, { tokenUse: 'id', clientId: poolData.ClientId }).verify(user.tokens.idToken)
  t.is(id.token_use, 'id')
  t.is(id['cognito:username'], user.username)
  const either = fakecloudVerifier(t, { tokenUse: null, clientId: [poolData.ClientId, 'another'] })
  t.is((await either.verify(user.tokens.accessToken)).client_id, poolData.ClientId)
  t.is((await either.verify(user.tokens.idToken)).aud, poolData.ClientId)
  t.is(either.verifySync(user.tokens.idToken).sub, id.sub, 'verifySync once the keys are loaded')
  const anyClient = fakecloudVerifier(t, { tokenUse: 'access', clientId: null })
  t.is((await anyClient.verify(user.tokens.accessToken)).token_use, 'access')
})

test('fakecloud tokens: each claim check refuses with its code', async (t) => {
  const { user, grouped, poolData } = t.context
  const refusals = [
    [{ tokenUse: 'access', clientId: poolData.ClientId }, user.tokens.idToken, 'CognitoJwtInvalidTokenUseError'],
    [{ tokenUse: 'id', clientId: 'someoneelse' }, user.tokens.idToken, 'CognitoJwtInvalidClientIdError'],
    [{ tokenUse: 'access', clientId: ['a', 'b'] }, user.tokens.accessToken, 'CognitoJwtInvalidClientIdError'],
    [{ tokenUse: 'access', clientId: null, scope: 'payments' }, user.tokens.accessToken, 'JwtInvalidScopeError'],
    [{ tokenUse: 'access', clientId: null, groups: 'admins' }, user.tokens.accessToken, 'CognitoJwtInvalidGroupError'],
  ]
  for (const [options, token, code] of refusals) {
    const err = await t.throwsAsync(fakecloudVerifier(t, options).verify(token))
    t.is(err.code, code, JSON.stringify(options))
    t.is(err.name, code)
    t.is(err.statusCode, 401)
    t.false(err.message.includes(parts(token)[1]), 'the token is never quoted')
  }
  const access = claimsOf(user.tokens.accessToken)
  t.log(`fakecloud access token scope: ${access.scope}`)
  const scoped = fakecloudVerifier(t, { tokenUse: 'access', clientId: null, scope: ['payments', ...String(access.scope).split(' ')] })
  t.is((await scoped.verify(user.tokens.accessToken)).sub, access.sub)
  const groups = claimsOf(grouped.tokens.accessToken)['cognito:groups']
  t.deepEqual(groups, ['admins'], "fakecloud puts the user's groups in the token")
  const admins = fakecloudVerifier(t, { tokenUse: null, clientId: null, groups: ['ops', 'admins'] })
  t.deepEqual((await admins.verify(grouped.tokens.idToken))['cognito:groups'], ['admins'])
})

test('fakecloud tokens: tampered, alg none, HS256 with the JWK as secret, no kid, garbage', async (t) => {
  const { user, poolData } = t.context
  const verifier = fakecloudVerifier(t, { tokenUse: null, clientId: poolData.ClientId })
  await verifier.hydrate()
  const [h, p, s] = parts(user.tokens.idToken)
  const header = JSON.parse(Buffer.from(h, 'base64url').toString())
  const jwks = await (await fetch(t.context.jwksUri)).json()
  const hs256 = `${b64({ ...header, alg: 'HS256' })}.${p}`
  const hmac = crypto.createHmac('sha256', JSON.stringify(jwks.keys[0])).update(hs256).digest('base64url')
  const cases = {
    JwtInvalidSignatureError: `${h}.${b64({ ...claimsOf(user.tokens.idToken), 'cognito:username': 'admin' })}.${s}`,
    JwtInvalidSignatureAlgorithmError: `${b64({ ...header, alg: 'none' })}.${p}.`,
    'JwtInvalidSignatureAlgorithmError (HS256)': `${hs256}.${hmac}`,
    JwtWithoutValidKidError: `${b64({ alg: header.alg })}.${p}.${s}`,
    KidNotFoundInJwksError: `${b64({ ...header, kid: 'forged' })}.${p}.${s}`,
    JwtParseError: 'garbage',
  }
  for (const [expected, token] of Object.entries(cases)) {
    const err = t.throws(() => verifier.verifySync(token))
    t.is(err.code, expected.split(' ')[0], expected)
    t.is(err.statusCode, 401)
  }
})

test("the pool method verifyToken: the same checks for the pool's client, through the callback convention", async (t) => {
  const { pool, user, poolData } = t.context
  t.is((await pool.verifyToken({ token: user.tokens.idToken })).email, user.email)
  t.is((await pool.verifyToken({ token: user.tokens.accessToken, tokenUse: 'access' })).client_id, poolData.ClientId)
  const wrongUse = await t.throwsAsync(pool.verifyToken({ token: user.tokens.idToken, tokenUse: 'access' }))
  t.is(wrongUse.code, 'CognitoJwtInvalidTokenUseError')
  const { UserPoolClient } = await admin('CreateUserPoolClient', {
    UserPoolId: poolData.UserPoolId,
    ClientName: 'other',
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  })
  const sibling = await loggedInUser({ ...poolData, ClientId: UserPoolClient.ClientId })
  t.is((await t.throwsAsync(pool.verifyToken({ token: sibling.tokens.accessToken }))).code, 'CognitoJwtInvalidClientIdError')
  const stranger = await loggedInUser(await createPool())
  t.is((await t.throwsAsync(pool.verifyToken({ token: stranger.tokens.idToken }))).code, 'JwtInvalidIssuerError')
  for (const params of [{}, { token: 'x', tokenUse: 'refresh' }, { token: 'x', graceSeconds: -1 }]) {
    t.is((await t.throwsAsync(pool.verifyToken(params))).code, 'InvalidParameterException', JSON.stringify(params))
  }
  const verifier = pool.verifier({ tokenUse: 'id' })
  t.is((await verifier.verify(user.tokens.idToken)).sub, claimsOf(user.tokens.idToken).sub, 'pool.verifier() takes poolData')
  t.is((await t.throwsAsync(verifier.verify(sibling.tokens.idToken))).code, 'CognitoJwtInvalidClientIdError')
})

test("own keys: RS256/384/512 and ES256/384/512, each bound to its key's algorithm", async (t) => {
  const signers = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'].map((alg) => signer(alg))
  const jwks = await jwksServer(signers.map((s) => s.jwk))
  try {
    const verifier = createVerifier({ userPoolId: POOL, tokenUse: 'access', clientId: 'client1', jwksUri: jwks.url })
    for (const s of signers) {
      t.is((await verifier.verify(s.sign(accessClaims()))).sub, 'u1', s.jwk.alg)
      // The ES256 key named under another algorithm: refused before any signature check.
      const other = s.jwk.alg === 'ES256' ? 'RS256' : 'ES256'
      const err = t.throws(() => verifier.verifySync(s.sign(accessClaims(), { alg: other })))
      t.is(err.code, 'JwtInvalidSignatureAlgorithmError', `${s.jwk.alg} as ${other}`)
    }
    t.is(jwks.requests, 1, 'one fetch served every token')
  } finally {
    jwks.close()
  }
})

test('own keys: exp and nbf with graceSeconds, both issuer formats, and no other issuer', async (t) => {
  const s = signer('ES256')
  const jwks = await jwksServer([s.jwk])
  try {
    const strict = createVerifier({ userPoolId: POOL, tokenUse: 'access', clientId: 'client1', jwksUri: jwks.url })
    const lenient = createVerifier({ userPoolId: POOL, tokenUse: 'access', clientId: 'client1', jwksUri: jwks.url, graceSeconds: 120 })
    const expired = s.sign(accessClaims({ exp: now() - 60 }))
    const early = s.sign(accessClaims({ nbf: now() + 60 }))
    t.is((await t.throwsAsync(strict.verify(expired))).code, 'JwtExpiredError')
    t.is((await t.throwsAsync(strict.verify(early))).code, 'JwtNotBeforeError')
    t.is((await lenient.verify(expired)).sub, 'u1')
    t.is((await lenient.verify(early)).sub, 'u1')
    t.is((await t.throwsAsync(lenient.verify(s.sign(accessClaims({ exp: now() - 180 }))))).code, 'JwtExpiredError')
    t.is((await t.throwsAsync(strict.verify(s.sign(accessClaims({ exp: undefined }))))).code, 'JwtParseError')
    t.is((await t.throwsAsync(strict.verify(s.sign(accessClaims({ exp: 'later' }))))).code, 'JwtParseError')
    for (const host of ['cognito-idp', 'issuer-cognito-idp']) {
      t.is((await strict.verify(s.sign(accessClaims({ iss: `https://${host}.eu-west-1.amazonaws.com/${POOL}` })))).sub, 'u1', host)
    }
    for (const iss of [
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other1',
      `https://issuer-cognito-idp.us-east-1.amazonaws.com/${POOL}`,
      `https://evil.example/${POOL}`,
      undefined,
    ]) {
      t.is((await t.throwsAsync(strict.verify(s.sign(accessClaims({ iss }))))).code, 'JwtInvalidIssuerError', String(iss))
    }
  } finally {
    jwks.close()
  }
})

test('several pools in one verifier, each with its own checks and keys', async (t) => {
  const a = signer('RS384', 'a-key')
  const b = signer('ES384', 'b-key')
  const [jwksA, jwksB] = await Promise.all([jwksServer([a.jwk]), jwksServer([b.jwk])])
  try {
    const verifier = createVerifier([
      { userPoolId: POOL, tokenUse: 'access', clientId: 'client1', jwksUri: jwksA.url },
      { userPoolId: 'us-east-2_Other2', tokenUse: 'id', clientId: ['web', 'mobile'], jwksUri: jwksB.url, groups: 'staff' },
    ])
    const issB = 'https://issuer-cognito-idp.us-east-2.amazonaws.com/us-east-2_Other2'
    t.is((await verifier.verify(a.sign(accessClaims()))).sub, 'u1')
    const idB = { iss: issB, token_use: 'id', aud: 'mobile', exp: now() + 60, sub: 'u2', 'cognito:groups': ['staff'] }
    t.is((await verifier.verify(b.sign(idB))).sub, 'u2')
    t.is((await t.throwsAsync(verifier.verify(b.sign({ ...idB, 'cognito:groups': ['guests'] })))).code, 'CognitoJwtInvalidGroupError')
    t.is((await t.throwsAsync(verifier.verify(b.sign({ ...accessClaims(), iss: issB })))).code, 'CognitoJwtInvalidTokenUseError')
    // Pool A's key does not verify pool B's tokens, whatever the kid says: pool B's JWKS is
    // asked once more for the kid it lacks (a key rotation would be seen at once), then the kid
    // is unknown, and the next unknown kid waits out the window.
    t.is((await t.throwsAsync(verifier.verify(a.sign(idB)))).code, 'KidNotFoundInJwksError')
    t.is((await t.throwsAsync(verifier.verify(a.sign(idB)))).code, 'WaitPeriodNotYetEndedJwkError')
    t.deepEqual([jwksA.requests, jwksB.requests], [1, 2])
  } finally {
    jwksA.close()
    jwksB.close()
  }
})

test('custom checks: sync and async, with header, payload and jwk; their errors pass through', async (t) => {
  const s = signer('RS256')
  const seen = []
  const verifier = createVerifier({
    userPoolId: POOL,
    tokenUse: 'access',
    clientId: 'client1',
    jwks: { keys: [s.jwk] },
    customJwtCheck: ({ header, payload, jwk }) => {
      seen.push([header.kid, payload.sub, jwk.kid])
      if (payload.sub === 'banned') throw new Error('user banned')
    },
  })
  t.is(verifier.verifySync(s.sign(accessClaims())).sub, 'u1')
  t.deepEqual(seen, [['RS256-key', 'u1', 'RS256-key']])
  t.is(t.throws(() => verifier.verifySync(s.sign(accessClaims({ sub: 'banned' })))).message, 'user banned')
  const asyncCheck = createVerifier({
    userPoolId: POOL,
    tokenUse: 'access',
    clientId: 'client1',
    jwks: { keys: [s.jwk] },
    customJwtCheck: async ({ payload }) => {
      await new Promise((resolve) => setTimeout(resolve, 5))
      if (payload.sub !== 'u1') throw Object.assign(new Error('not u1'), { code: 'Mine' })
    },
  })
  t.is((await asyncCheck.verify(s.sign(accessClaims()))).sub, 'u1')
  t.is((await t.throwsAsync(asyncCheck.verify(s.sign(accessClaims({ sub: 'u2' }))))).code, 'Mine')
  t.is(t.throws(() => asyncCheck.verifySync(s.sign(accessClaims()))).code, 'InvalidParameterException', 'an async check needs verify()')
})

test('JWKS: verifySync before any load, hydrate, given keys, and a JWKS that cannot be fetched (503)', async (t) => {
  const s = signer('ES256')
  const jwks = await jwksServer([s.jwk])
  try {
    const verifier = createVerifier({ userPoolId: POOL, tokenUse: 'access', clientId: 'client1', jwksUri: jwks.url })
    const token = s.sign(accessClaims())
    const notYet = t.throws(() => verifier.verifySync(token))
    t.is(notYet.code, 'JwksNotAvailableInCacheError')
    t.is(notYet.statusCode, 503)
    await verifier.hydrate()
    t.is(verifier.verifySync(token).sub, 'u1')
    t.is(jwks.requests, 1)

    const given = createVerifier({
      userPoolId: 'eu-west-1_Given1',
      tokenUse: null,
      clientId: null,
      jwksUri: 'http://127.0.0.1:9/never-fetched',
    })
    given.cacheJwks({ keys: [s.jwk] })
    t.is(given.verifySync(s.sign(accessClaims({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Given1' }))).sub, 'u1')
    t.is(t.throws(() => given.cacheJwks({ nokeys: true })).code, 'InvalidParameterException')

    for (const [status, body, code] of [
      [500, null, 'FetchError'],
      [200, 'not json', 'JwksValidationError'],
      [200, '{"keys":[{"kty":"RSA","kid":"x","n":1}]}', 'JwkValidationError'],
      [200, 'x'.repeat(300 * 1024), 'FetchError'],
    ]) {
      const down = await jwksServer([s.jwk])
      down.status = status
      down.body = body
      try {
        const verifier = createVerifier({ userPoolId: POOL, tokenUse: 'access', clientId: 'client1', jwksUri: down.url })
        const err = await t.throwsAsync(verifier.verify(token))
        t.is(err.code, code, `${status} ${String(body).slice(0, 8)}`)
        t.is(err.statusCode, 503)
        t.true(err.retryable)
        // Within the window the failure is remembered: no second request.
        t.is((await t.throwsAsync(verifier.verify(token))).code, code)
        t.is(down.requests, 1)
      } finally {
        down.close()
      }
    }
  } finally {
    jwks.close()
  }
})

test('a flood of 1,000 tokens with unknown kids makes at most one JWKS request', async (t) => {
  const s = signer('RS256')
  const jwks = await jwksServer([s.jwk])
  try {
    const verifier = createVerifier({ userPoolId: POOL, tokenUse: 'access', clientId: 'client1', jwksUri: jwks.url })
    const forged = Array.from({ length: 1000 }, (_, i) => s.sign(accessClaims(), { kid: `forged-${i}` }))
    const results = await Promise.allSettled(forged.map((token) => verifier.verify(token)))
    // Sharing the one fetch: the kid is unknown; after it: the window's wait (the penalty box).
    const codes = ['KidNotFoundInJwksError', 'WaitPeriodNotYetEndedJwkError']
    t.true(results.every((r) => r.status === 'rejected' && codes.includes(r.reason.code)))
    t.is(jwks.requests, 1)
    // A rotated key appears: still no second request within the window, then the known key works.
    t.is((await verifier.verify(s.sign(accessClaims()))).sub, 'u1')
    t.is(jwks.requests, 1)
  } finally {
    jwks.close()
  }
})

test('bad options and bad tokens: coded errors from verify and verifySync, never at creation', async (t) => {
  const bad = [
    undefined,
    null,
    {},
    { userPoolId: POOL, clientId: null },
    { userPoolId: POOL, tokenUse: null },
    { userPoolId: 'nope', tokenUse: null, clientId: null },
    { userPoolId: POOL, tokenUse: 'refresh', clientId: null },
    { userPoolId: POOL, tokenUse: null, clientId: null, customJwtCheck: 'yes' },
    { userPoolId: POOL, tokenUse: null, clientId: null, graceSeconds: 10n },
    { userPoolId: POOL, tokenUse: null, clientId: null, jwksUri: 'https://u:secret@keys.example/jwks.json' },
    [],
  ]
  for (const options of bad) {
    let verifier
    t.notThrows(() => {
      verifier = createVerifier(options)
    })
    const err = await t.throwsAsync(verifier.verify('a.b.c'))
    t.is(err.code, 'InvalidParameterException', String(JSON.stringify(options, (_k, v) => (typeof v === 'bigint' ? 'bigint' : v))))
    t.is(err.statusCode, 400)
    t.is(t.throws(() => verifier.verifySync('a.b.c')).code, 'InvalidParameterException')
  }
  const verifier = createVerifier({ userPoolId: POOL, tokenUse: null, clientId: null, jwks: { keys: [] } })
  for (const token of [undefined, 42, {}, '']) {
    t.is((await t.throwsAsync(verifier.verify(token))).statusCode, token === '' ? 401 : 400, String(token))
  }
})

test("the README's Express middleware (examples/express-auth.js) guards a route with fakecloud tokens", async (t) => {
  const Module = require('node:module')
  const path = require('node:path')
  const express = require('express')
  // The example requires the package by name, as a user's code does.
  const resolve = Module._resolveFilename
  Module._resolveFilename = function (request, ...rest) {
    return resolve.call(this, request === 'cognito-user-pool' ? path.join(__dirname, '..') : request, ...rest)
  }
  let requireToken
  try {
    ;({ requireToken } = require('../examples/express-auth.js'))
  } finally {
    Module._resolveFilename = resolve
  }
  const { user, poolData, jwksUri } = t.context
  const app = express()
  app.get('/me', requireToken({ userPoolId: poolData.UserPoolId, clientId: poolData.ClientId, jwksUri }), (req, res) =>
    res.json({ sub: req.claims.sub }),
  )
  app.get('/admin', requireToken({ userPoolId: poolData.UserPoolId, clientId: poolData.ClientId, jwksUri, groups: 'ops' }), (_req, res) =>
    res.json({}),
  )
  const server = await listenOnLoopback(http.createServer(app))
  try {
    const get = async (route, token) => {
      const res = await fetch(`${server.url}${route}`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
      return [res.status, await res.json()]
    }
    t.deepEqual(await get('/me', user.tokens.accessToken), [200, { sub: claimsOf(user.tokens.accessToken).sub }])
    t.deepEqual(await get('/me'), [401, { code: 'MissingBearerToken' }])
    t.deepEqual(await get('/me', user.tokens.idToken), [401, { code: 'CognitoJwtInvalidTokenUseError' }])
    t.deepEqual(await get('/admin', user.tokens.accessToken), [401, { code: 'CognitoJwtInvalidGroupError' }])
  } finally {
    server.close()
  }
})
