'use strict'

// The test kit (`cognito-user-pool/testing`) as an app's own tests use it, offline: its tokens
// pass a verifier given its JWKS, each kind of mint that should fail fails with its code, and its
// served JWKS works for a pool (verifyToken, sessions). A verifier without its keys refuses them.

const http = require('node:http')
const test = require('ava')
const cognitoUserPool = require('..')
const { createTestIssuer } = require('cognito-user-pool/testing')

for (const alg of ['RS256', 'ES256']) {
  test(`${alg}: minted tokens pass the verifier; expired, not yet valid, wrong group, wrong client and wrong use are refused by code`, async (t) => {
    const issuer = createTestIssuer({ userPoolId: 'eu-west-1_AppTests1', clientId: 'web', alg })
    const verifier = issuer.verifier({ tokenUse: 'access', groups: 'admins' })
    const claims = await verifier.verify(issuer.accessToken({ username: 'ada', groups: ['admins'], scopes: ['orders/read'] }))
    t.like(claims, { username: 'ada', client_id: 'web', token_use: 'access', scope: 'orders/read', iss: issuer.issuer })
    t.deepEqual(claims['cognito:groups'], ['admins'])
    t.like(issuer.verifier({ tokenUse: 'id' }).verifySync(issuer.idToken({ email: 'ada@example.com' })), {
      email: 'ada@example.com',
      aud: 'web',
    })
    for (const [token, code] of [
      [issuer.accessToken({ groups: ['admins'], expiresIn: -60 }), 'JwtExpiredError'],
      [issuer.accessToken({ groups: ['admins'], notBefore: 300 }), 'JwtNotBeforeError'],
      [issuer.accessToken({ groups: ['users'] }), 'CognitoJwtInvalidGroupError'],
      [issuer.accessToken({ groups: ['admins'], clientId: 'mobile' }), 'CognitoJwtInvalidClientIdError'],
      [issuer.idToken({ groups: ['admins'] }), 'CognitoJwtInvalidTokenUseError'],
      [
        createTestIssuer({ userPoolId: 'eu-west-1_AppTests1', clientId: 'web', alg }).accessToken({ groups: ['admins'] }),
        'KidNotFoundInJwksError',
      ],
    ]) {
      t.is(t.throws(() => verifier.verifySync(token)).code, code)
    }
    t.is(t.throws(() => issuer.accessToken({ group: 'typo' })).code, 'InvalidParameterException', 'an unknown option is named, not ignored')
  })
}

test('served JWKS: a pool verifies the kit tokens (verifyToken) and sessions start from its tokens; a verifier with the pool real keys never accepts them', async (t) => {
  const issuer = createTestIssuer({ userPoolId: 'us-east-2_AppTests2', clientId: 'api' })
  t.teardown(() => issuer.close())
  const { poolData } = await issuer.serve()
  const pool = cognitoUserPool(poolData)
  t.like(await pool.verifyToken({ token: issuer.accessToken({ username: 'grace' }), tokenUse: 'access' }), { username: 'grace' })
  const sessions = pool.sessions({ secrets: 'a-test-secret-that-is-long-enough-0001' })
  const { session } = await sessions.start(issuer.tokens({ username: 'grace', email: 'grace@example.com' }), { host: '127.0.0.1' })
  t.is(session.username, 'grace')
  t.is(session.idClaims.email, 'grace@example.com')
  // What production sees: the pool's own keys, which never include the kit's.
  const real = http.createServer((req, res) => res.setHeader('content-type', 'application/json').end('{"keys":[]}'))
  await new Promise((resolve) => real.listen(0, '127.0.0.1', resolve))
  t.teardown(() => real.close())
  const production = cognitoUserPool({ ...poolData, jwksUrl: `http://127.0.0.1:${real.address().port}/jwks.json` })
  t.is((await t.throwsAsync(production.verifyToken({ token: issuer.accessToken() }))).code, 'KidNotFoundInJwksError')
})

test('the kit is its own entry point: the package main path does not load it', (t) => {
  const loaded = Object.keys(require.cache).filter((file) => file.endsWith('lib/testing.js'))
  t.is(loaded.length, 1, 'loaded here by this test only')
  const { execFileSync } = require('node:child_process')
  const out = execFileSync(
    process.execPath,
    ['-e', "require('cognito-user-pool'); console.log(Object.keys(require.cache).some((f) => f.endsWith('lib/testing.js')))"],
    { encoding: 'utf8', cwd: __dirname },
  )
  t.is(out.trim(), 'false')
})
