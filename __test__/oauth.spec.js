'use strict'

// The OAuth2 token endpoint of the pool's domain against fakecloud's /oauth2/token: machine tokens
// (client_credentials) kept until shortly before they expire, one request in flight per scope set
// (counted by a recording proxy); the authorization code grant's refusal of a code it never issued.
// fakecloud has no hosted login to issue a real code, so the code grant's answer is unit-tested
// in src/oauth.rs on the shape Cognito documents.

const dc = require('node:diagnostics_channel')
const http = require('node:http')
const test = require('ava')
const cognitoUserPool = require('..')
const { admin, createPool, listenOnLoopback, recordingProxy } = require('./helpers')
const { now, signer } = require('./keys')

test.before(async (t) => {
  const poolData = await createPool()
  await admin('CreateResourceServer', {
    UserPoolId: poolData.UserPoolId,
    Identifier: 'orders',
    Name: 'orders',
    Scopes: [
      { ScopeName: 'read', ScopeDescription: 'read' },
      { ScopeName: 'write', ScopeDescription: 'write' },
    ],
  })
  const { UserPoolClient } = await admin('CreateUserPoolClient', {
    UserPoolId: poolData.UserPoolId,
    ClientName: 'machine',
    GenerateSecret: true,
    AllowedOAuthFlows: ['client_credentials'],
    AllowedOAuthScopes: ['orders/read', 'orders/write'],
    AllowedOAuthFlowsUserPoolClient: true,
  })
  const web = await admin('CreateUserPoolClient', {
    UserPoolId: poolData.UserPoolId,
    ClientName: 'web',
    GenerateSecret: true,
    // fakecloud answers the code grant for a client that also has client_credentials (Cognito
    // itself would refuse that mix; here it only serves to reach the code check).
    AllowedOAuthFlows: ['client_credentials', 'code'],
    AllowedOAuthScopes: ['orders/read'],
    AllowedOAuthFlowsUserPoolClient: true,
    CallbackURLs: ['https://app.example/cb'],
  })
  t.context.web = { ...poolData, ClientId: web.UserPoolClient.ClientId, ClientSecret: web.UserPoolClient.ClientSecret }
  t.context.poolData = poolData
  t.context.machine = { ...poolData, ClientId: UserPoolClient.ClientId, ClientSecret: UserPoolClient.ClientSecret }
})

const tokenRequests = (proxy) => proxy.bodies.filter((body) => body.includes('grant_type=')).length

test('clientCredentials: an access token and its expiry, kept per scope set, one request for concurrent calls', async (t) => {
  const proxy = await recordingProxy()
  try {
    const pool = cognitoUserPool({ ...t.context.machine, domain: proxy.url })
    const burst = await Promise.all(Array.from({ length: 10 }, () => pool.clientCredentials({ scopes: ['orders/read'] })))
    t.is(tokenRequests(proxy), 1, '10 calls at once, one request')
    t.true(burst.every((token) => token.accessToken === burst[0].accessToken))
    t.deepEqual(Object.keys(burst[0]).sort(), ['accessToken', 'expiresAt'])
    t.true(burst[0].expiresAt > Date.now() / 1000 + 60)
    const claims = JSON.parse(Buffer.from(burst[0].accessToken.split('.')[1], 'base64url'))
    t.is(claims.client_id, t.context.machine.ClientId)
    t.is(
      (await pool.clientCredentials({ scopes: 'orders/read' })).accessToken,
      burst[0].accessToken,
      'kept: the same scope set as a string',
    )
    t.is(tokenRequests(proxy), 1)
    await pool.clientCredentials({ scopes: ['orders/write', 'orders/read'] })
    t.is(tokenRequests(proxy), 2, 'another scope set, another token')
    t.true(
      proxy.bodies.some((body) => body === 'grant_type=client_credentials&scope=orders%2Fread'),
      'form-encoded',
    )
    t.true(
      proxy.bodies.every((body) => !body.includes(t.context.machine.ClientSecret)),
      'the secret goes by HTTP Basic',
    )
  } finally {
    proxy.close()
  }
})

test('clientCredentials through the machine-token channel: one trace per fetch, none for a kept token, a refusal with its code, never the token', async (t) => {
  const seen = []
  const channel = dc.tracingChannel('cognito-user-pool:machine-token')
  const handlers = Object.fromEntries(
    ['start', 'end', 'asyncStart', 'asyncEnd', 'error'].map((event) => [event, (context) => seen.push([event, { ...context }])]),
  )
  channel.subscribe(handlers)
  t.teardown(() => channel.unsubscribe(handlers))
  const proxy = await recordingProxy()
  t.teardown(() => proxy.close())
  const tokenUrl = `${proxy.url}/oauth2/token`
  // Other tests of this file fetch at the same time, through their own proxies.
  const ours = () => seen.filter(([, context]) => context.tokenUrl === tokenUrl)

  const pool = cognitoUserPool({ ...t.context.machine, domain: proxy.url })
  const burst = await Promise.all(Array.from({ length: 5 }, () => pool.clientCredentials({ scopes: ['orders/write'] })))
  await pool.clientCredentials({ scopes: 'orders/write' })
  t.deepEqual(
    ours().map(([event]) => event),
    ['start', 'end', 'asyncStart', 'asyncEnd'],
  )
  const [, fetched] = ours().at(-1)
  t.like(fetched, { source: 'domain', scope: 'orders/write', expiresAt: burst[0].expiresAt })
  t.true(fetched.durationMs > 0)

  const refusedBy = cognitoUserPool({ ...t.context.poolData, domain: proxy.url })
  const refusal = await t.throwsAsync(refusedBy.clientCredentials({}))
  const failed = ours().slice(4)
  t.deepEqual(
    failed.map(([event]) => event),
    ['start', 'end', 'error', 'asyncStart', 'asyncEnd'],
  )
  t.like(failed.at(-1)[1], { code: refusal.code, scope: '', error: { code: refusal.code, statusCode: refusal.statusCode } })
  t.false(JSON.stringify(seen).includes(burst[0].accessToken))
  t.false(JSON.stringify(seen).includes(t.context.machine.ClientSecret))
})

test('refusals: a code the endpoint never issued, a client without the grant, no domain, bad params', async (t) => {
  const { URL } = require('./helpers')
  const pool = cognitoUserPool({ ...t.context.machine, domain: URL })
  const web = cognitoUserPool({ ...t.context.web, domain: URL })
  const bogus = await t.throwsAsync(
    web.exchangeCode({ code: 'never-issued', redirectUri: 'https://app.example/cb', codeVerifier: 'v'.repeat(43) }),
  )
  t.is(bogus.code, 'invalid_grant')
  t.is(bogus.statusCode, 400)
  t.false(bogus.message.includes('never-issued'))
  const plain = cognitoUserPool({ ...t.context.poolData, domain: URL })
  const noGrant = await t.throwsAsync(plain.clientCredentials({}))
  t.is(noGrant.statusCode >= 400 && noGrant.statusCode < 500, true, `${noGrant.code} ${noGrant.statusCode}`)
  // Without a domain, machine tokens come through the API (GetClientToken); asked of the
  // domain, the missing domain is named.
  const noDomain = cognitoUserPool(t.context.machine)
  t.regex((await t.throwsAsync(noDomain.clientCredentials({ via: 'domain' }))).message, /poolData\.domain/)
  for (const params of [{ scopes: 5 }, { scopes: [1] }]) {
    t.is((await t.throwsAsync(pool.clientCredentials(params))).code, 'InvalidParameterException')
  }
  t.is((await t.throwsAsync(pool.exchangeCode({ redirectUri: 'https://app.example/cb' }))).code, 'InvalidParameterException')
  t.regex(
    (await t.throwsAsync(cognitoUserPool({ ...t.context.machine, domain: 'not a host!' }).clientCredentials({}))).message,
    /poolData\.domain/,
  )
})

/**
 * A token endpoint on 127.0.0.1 that counts its requests: a token (living `lives` seconds) for
 * the right client secret after `delay` ms, `invalid_client` for any other, or `status`/`error`
 * for every request when set.
 */
async function tokenEndpoint({ secret, lives = 3600, delay = 20 }) {
  const state = { requests: 0, status: null, error: null, issued: 0 }
  const server = http.createServer((req, res) => {
    state.requests++
    req.resume()
    req.on('end', () =>
      setTimeout(() => {
        const basic = Buffer.from(String(req.headers.authorization).replace('Basic ', ''), 'base64').toString()
        res.setHeader('content-type', 'application/json')
        if (state.error || basic !== `machine:${secret}`) {
          res.statusCode = state.status ?? 400
          return res.end(JSON.stringify({ error: state.error ?? 'invalid_client' }))
        }
        state.issued++
        res.end(JSON.stringify({ access_token: `token-${state.issued}`, expires_in: lives, token_type: 'Bearer' }))
      }, delay),
    )
  })
  return Object.assign(state, await listenOnLoopback(server))
}

const machinePool = (endpoint, extra) =>
  cognitoUserPool({ UserPoolId: 'us-east-1_Machine1', ClientId: 'machine', domain: endpoint.url, ...extra })

test('the kept machine token goes only to the same secret: a wrong or missing one asks the endpoint', async (t) => {
  const endpoint = await tokenEndpoint({ secret: 'right-secret' })
  try {
    const right = await machinePool(endpoint, { ClientSecret: 'right-secret' }).clientCredentials({})
    t.is(right.accessToken, 'token-1')
    for (const ClientSecret of ['wrong-secret', undefined]) {
      const err = await t.throwsAsync(machinePool(endpoint, { ClientSecret }).clientCredentials({}))
      t.is(err.code, 'invalid_client', String(ClientSecret))
    }
    t.is(endpoint.requests, 3, 'each other secret made its own request')
    t.is((await machinePool(endpoint, { ClientSecret: 'right-secret' }).clientCredentials({})).accessToken, 'token-1')
  } finally {
    endpoint.close()
  }
})

test("200 callers waiting on a failing endpoint share its one answer: one request, the endpoint's own code", async (t) => {
  const endpoint = await tokenEndpoint({ secret: 's', delay: 100 })
  endpoint.error = 'temporarily_unavailable'
  endpoint.status = 400
  try {
    const pool = machinePool(endpoint, { ClientSecret: 's', timeout: 5000 })
    const answers = await Promise.all(Array.from({ length: 200 }, () => pool.clientCredentials({}).catch((err) => err)))
    t.is(endpoint.requests, 1)
    t.true(answers.every((err) => err.code === 'temporarily_unavailable' && err.statusCode === 400))
    // A failure is not kept: the next caller asks again.
    endpoint.error = null
    t.is((await pool.clientCredentials({})).accessToken, 'token-1')
    t.is(endpoint.requests, 2)
  } finally {
    endpoint.close()
  }
})

test('short-lived machine tokens: 100 callers one after another, and 100 at once, make one request', async (t) => {
  const endpoint = await tokenEndpoint({ secret: 's', lives: 59 })
  try {
    const pool = machinePool(endpoint, { ClientSecret: 's' })
    for (let i = 0; i < 100; i++) t.is((await pool.clientCredentials({ scopes: 'a' })).accessToken, 'token-1')
    await Promise.all(Array.from({ length: 100 }, () => pool.clientCredentials({ scopes: 'b' })))
    t.is(endpoint.requests, 2, 'one per scope set')
    const zero = await tokenEndpoint({ secret: 's', lives: 0 })
    try {
      const tokens = await Promise.all(Array.from({ length: 100 }, () => machinePool(zero, { ClientSecret: 's' }).clientCredentials({})))
      t.is(zero.requests, 1, 'a token that lives 0 s is still shared by the callers of its request')
      t.true(tokens.every((token) => token.accessToken === 'token-1'))
    } finally {
      zero.close()
    }
  } finally {
    endpoint.close()
  }
})

/**
 * A token endpoint on 127.0.0.1 that answers the code grant with the tokens `issue()` makes, and
 * serves the JWKS of `key` at /jwks.json: the endpoint of a pool whose tokens a test chooses.
 */
async function codeEndpoint(key, issue) {
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.setHeader('content-type', 'application/json')
      if (req.url === '/jwks.json') return res.end(JSON.stringify({ keys: [key.jwk] }))
      res.end(JSON.stringify({ ...issue(), refresh_token: 'opaque-refresh', token_type: 'Bearer', expires_in: 3600 }))
    })
  })
  return listenOnLoopback(server)
}

test('exchangeCode checks the tokens as an OIDC client: issuer, audience, azp, signature, exp, iat, nonce', async (t) => {
  const key = signer('RS256')
  const stranger = signer('RS256', key.jwk.kid)
  const userPoolId = 'eu-west-1_Oidc1'
  const iss = `https://cognito-idp.eu-west-1.amazonaws.com/${userPoolId}`
  const idClaims = { iss, aud: 'web', token_use: 'id', sub: 'u1', exp: now() + 3600, iat: now(), nonce: 'n-1' }
  const accessClaims = { iss, client_id: 'web', token_use: 'access', sub: 'u1', exp: now() + 3600, iat: now() }
  let issue
  const endpoint = await codeEndpoint(key, () => issue())
  try {
    const pool = cognitoUserPool({ UserPoolId: userPoolId, ClientId: 'web', domain: endpoint.url, jwksUrl: `${endpoint.url}/jwks.json` })
    const exchange = (extra) => pool.exchangeCode({ code: 'c', redirectUri: 'https://app.example/cb', ...extra })
    const tokens =
      (id, access = {}, signedBy = key) =>
      () => ({
        id_token: signedBy.sign({ ...idClaims, ...id }),
        access_token: key.sign({ ...accessClaims, ...access }),
      })
    issue = tokens({})
    const good = await exchange({ nonce: 'n-1' })
    t.is(good.refreshToken, 'opaque-refresh')
    t.is(good.idTokenExpiresAt, idClaims.exp)
    t.truthy(await exchange({}), 'no nonce given, none checked')
    for (const [made, code, extra] of [
      [tokens({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other9' }), 'JwtInvalidIssuerError'],
      [tokens({ aud: 'another-client' }), 'CognitoJwtInvalidClientIdError'],
      [tokens({ azp: 'another-client' }), 'JwtInvalidClaimError'],
      [tokens({}, {}, stranger), 'JwtInvalidSignatureError'],
      [tokens({ exp: now() - 10 }), 'JwtExpiredError'],
      [tokens({ iat: now() + 3600 }), 'JwtInvalidClaimError'],
      [tokens({ iat: undefined }), 'JwtInvalidClaimError'],
      [tokens({}), 'JwtInvalidClaimError', { nonce: 'n-2' }],
      [tokens({ token_use: 'access' }), 'CognitoJwtInvalidTokenUseError'],
      [tokens({}, { client_id: 'another-client' }), 'CognitoJwtInvalidClientIdError'],
    ]) {
      issue = made
      const err = await t.throwsAsync(exchange(extra ?? {}))
      t.is(err.code, code)
      t.is(err.statusCode, 401)
    }
  } finally {
    endpoint.close()
  }
})

test('machine tokens through the API (GetClientToken): without a domain, or with via: "api"; kept by the same rules, per secret', async (t) => {
  const poolData = await createPool()
  await admin('CreateResourceServer', {
    UserPoolId: poolData.UserPoolId,
    Identifier: 'api',
    Name: 'api',
    Scopes: [{ ScopeName: 'read', ScopeDescription: 'r' }],
  })
  const { UserPoolClient: client } = await admin('CreateUserPoolClient', {
    UserPoolId: poolData.UserPoolId,
    ClientName: 'machine',
    GenerateSecret: true,
    AllowedOAuthFlows: ['client_credentials'],
    AllowedOAuthScopes: ['api/read'],
    AllowedOAuthFlowsUserPoolClient: true,
  })
  const proxy = await recordingProxy()
  t.teardown(() => proxy.close())
  const machine = { ...poolData, ClientId: client.ClientId, ClientSecret: client.ClientSecret, endpoint: proxy.url }
  const pool = cognitoUserPool(machine)
  const token = await pool.clientCredentials({ scopes: ['api/read'] })
  t.is(typeof token.accessToken, 'string')
  t.true(token.expiresAt > now())
  const claims = JSON.parse(Buffer.from(token.accessToken.split('.')[1], 'base64url'))
  t.like(claims, { client_id: client.ClientId, token_use: 'access', scope: 'api/read' })
  t.deepEqual(
    await Promise.all(Array.from({ length: 20 }, () => pool.clientCredentials({ scopes: 'api/read', via: 'api' }))),
    Array(20).fill(token),
    'kept',
  )
  t.deepEqual(proxy.operations, ['GetClientToken'])
  t.like(
    JSON.parse(proxy.bodies[0]),
    { ClientId: client.ClientId, Secret: client.ClientSecret, Scopes: ['api/read'] },
    'the secret as GetClientToken takes it',
  )
  const wrong = await t.throwsAsync(
    cognitoUserPool({ ...machine, ClientSecret: 'not-the-secret' }).clientCredentials({ scopes: ['api/read'] }),
  )
  t.is(wrong.code, 'NotAuthorizedException', 'another secret is not handed the kept token')
  t.is(proxy.operations.length, 2)
  t.false(wrong.message.includes('not-the-secret'))
  for (const [params, message] of [
    [{ via: 'smoke' }, /via must be/],
    [{ via: 'domain' }, /poolData\.domain/],
  ]) {
    t.regex((await t.throwsAsync(pool.clientCredentials(params))).message, message)
  }
  t.regex((await t.throwsAsync(cognitoUserPool({ ...machine, ClientSecret: undefined }).clientCredentials({}))).message, /ClientSecret/)
})
