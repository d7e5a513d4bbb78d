'use strict'

// Sessions end to end: the example apps on real Express, Fastify and a Web-standard server, over
// HTTP on 127.0.0.1, against fakecloud (a client with refresh token rotation) and a real Redis,
// with every store: memory, cookie-only, Redis through node-redis and through ioredis.
//
// fakecloud's access tokens live 300 s at the least (as Cognito's), so a test that needs a token
// "about to expire" sets refreshMargin to 297 s and lets three seconds pass (token times are whole seconds): the refresh takes the path
// an expired token takes, three seconds after sign-in instead of five minutes.

const test = require('ava')
const cognitoUserPool = require('..')
const redis = require('../scripts/redis.js')
const { URL, admin, createPool, confirmedUser, recordingProxy, PASSWORD, shortLivedRotatingClient } = require('./helpers')
const { SECRET, serve, storeOf, browser } = require('./session-apps')

const FRAMEWORKS = ['express', 'fastify', 'web']
const STORES = ['memory', 'cookie', 'redis', 'ioredis']
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

test.before(async (t) => {
  const poolData = await createPool()
  const rotatingClientId = await shortLivedRotatingClient(poolData)
  // fakecloud serves the pool's keys at its own address while `iss` names AWS: hence jwksUrl.
  const jwksUrl = `${URL}/${poolData.UserPoolId}/.well-known/jwks.json`
  t.context.poolData = { ...poolData, ClientId: rotatingClientId, jwksUrl }
  t.context.redis = await redis.start()
})

test.after.always((t) => t.context.redis?.stop())

/** An app of `framework` with sessions in `storeKind`, for a new user; `options` go to sessions(). */
async function setUp(t, framework, storeKind, { options = {}, poolData = t.context.poolData } = {}) {
  const { store, quit } = await storeOf(storeKind, t.context.redis.url)
  const pool = cognitoUserPool(poolData)
  const sessions = pool.sessions({ secrets: [SECRET], store, ...options })
  const server = await serve(framework, { pool, sessions })
  t.teardown(async () => {
    await server.close()
    await quit()
  })
  const user = await confirmedUser(t.context.poolData)
  return { pool, sessions, store, server, user, client: browser(server.url) }
}

for (const framework of FRAMEWORKS) {
  for (const storeKind of STORES) {
    test(`${framework}, ${storeKind} store: sign in, the session's claims, acting as the user, a guard, sign out refused everywhere`, async (t) => {
      const { server, user, client } = await setUp(t, framework, storeKind)
      t.is((await client.request('/me')).status, 401, 'no session before sign-in')
      const wrong = await client.request('/login', { method: 'POST', body: { username: user.username, password: 'Wrong-Pass-1!' } })
      t.is(wrong.json.code, 'NotAuthorizedException')

      const login = await client.request('/login', { method: 'POST', body: { username: user.username, password: PASSWORD } })
      t.is(login.status, 200)
      t.is(login.json.username, user.username)
      t.true(login.setCookie.length >= 1)
      for (const line of login.setCookie) {
        t.regex(line, /; HttpOnly/)
        t.regex(line, /; SameSite=Lax/)
        t.regex(line, /; Path=\//)
        t.notRegex(line, /; Secure/, 'not Secure on a loopback host')
        t.notRegex(line, /eyJ/, 'no token in clear in a cookie')
      }

      const me = await client.request('/me')
      t.is(me.status, 200)
      t.is(me.json.username, user.username)
      t.is(me.json.email, user.email, "the id token's claims, verified")
      const profile = await client.request('/profile')
      t.is(profile.status, 200)
      t.true(
        profile.json.some((a) => a.Name === 'email' && a.Value === user.email),
        "a method called with the session's auth",
      )
      const admin = await client.request('/admin')
      t.is(admin.status, 403)
      t.is(admin.json.code, 'Forbidden')

      const kept = new Map(client.jar)
      const out = await client.request('/logout', { method: 'POST' })
      t.deepEqual(out.json, { ended: true, revoked: true })
      t.is(client.jar.size, 0, 'the cookie is cleared')
      t.is((await client.request('/me')).status, 401)
      // A copy of the cookie taken before sign-out: refused at once where the session lives in a
      // store; a cookie-only session carries its own tokens and lives until its access token
      // expires (its refresh token is revoked, so it is never refreshed).
      const replay = browser(server.url)
      for (const [name, value] of kept) replay.jar.set(name, value)
      t.is((await replay.request('/me')).status, storeKind === 'cookie' ? 200 : 401)
    })
  }
}

/** The app behind a recording proxy, with tokens refreshed three seconds after they are issued. */
async function refreshing(t, framework, storeKind, options = {}) {
  const proxy = await recordingProxy()
  t.teardown(() => proxy.close())
  const poolData = { ...t.context.poolData, endpoint: proxy.url }
  const app = await setUp(t, framework, storeKind, { poolData, options: { refreshMargin: 297, ...options } })
  const refreshes = () => proxy.operations.filter((op) => op === 'GetTokensFromRefreshToken').length
  return { ...app, proxy, refreshes }
}

for (const storeKind of STORES) {
  test(`${storeKind} store: near expiry, 20 concurrent requests make one refresh; the rotated token is kept, so the next rotation works too`, async (t) => {
    const { user, client, refreshes } = await refreshing(t, 'express', storeKind)
    await client.request('/login', { method: 'POST', body: { username: user.username, password: PASSWORD } })
    const first = (await client.request('/me')).json.accessTokenExpiresAt
    t.is(refreshes(), 0)
    for (const round of [1, 2]) {
      await sleep(3100)
      const answers = await Promise.all(Array.from({ length: 20 }, () => client.request('/me')))
      t.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]), 'every request answered with the session')
      t.is(refreshes(), round, 'one GetTokensFromRefreshToken for the burst')
      t.true(
        answers.every((a) => a.json.accessTokenExpiresAt > first),
        'each answered with the new access token',
      )
    }
    t.is((await client.request('/profile')).status, 200, 'the session acts with its new tokens')
  })
}

test('Cognito refusing the refresh (the user signed out everywhere) ends the session cleanly: 401 and the cookie cleared', async (t) => {
  const { user, client } = await refreshing(t, 'fastify', 'redis')
  await client.request('/login', { method: 'POST', body: { username: user.username, password: PASSWORD } })
  await admin('AdminUserGlobalSignOut', { UserPoolId: t.context.poolData.UserPoolId, Username: user.username })
  await sleep(3100)
  const me = await client.request('/me')
  t.is(me.status, 401)
  t.is(me.json.code, 'NotAuthenticated')
  t.is(client.jar.size, 0, 'the cookie is cleared')
})

for (const storeKind of ['memory', 'redis']) {
  test(`${storeKind} store: a sign-out while a refresh is in flight wins; the refreshed tokens are revoked, not kept`, async (t) => {
    const { user, client, proxy, server, sessions, store } = await refreshing(t, 'express', storeKind)
    await client.request('/login', { method: 'POST', body: { username: user.username, password: PASSWORD } })
    const kept = new Map(client.jar)
    const cookie = [...kept].map(([name, value]) => `${name}=${value}`).join('; ')
    await sleep(3100)
    let release
    const held = new Promise((resolve) => (release = resolve))
    proxy.beforeAnswer = (operation) => (operation === 'GetTokensFromRefreshToken' ? held : undefined)
    const during = client.request('/me')
    while (!proxy.operations.includes('GetTokensFromRefreshToken')) await sleep(10)
    // The sign-out comes from elsewhere (another tab's request to a route that ends the session
    // without reading it first, or an admin page), through the core; with Redis, from another
    // process's sessions object on the same store.
    const ending = storeKind === 'redis' ? cognitoUserPool(t.context.poolData).sessions({ secrets: SECRET, store }) : sessions
    const ended = await ending.end({ cookie, host: '127.0.0.1' })
    t.like(ended, { ended: true, revoked: true })
    release()
    t.is((await during).status, 401, 'the request whose refresh lost to the sign-out has no session')
    const replay = browser(server.url)
    for (const [name, value] of kept) replay.jar.set(name, value)
    t.is((await replay.request('/me')).status, 401, 'the session stays ended')
    // Through the proxy: the sign-out's revocation when it came from this pool, and the refreshed
    // token's when fakecloud rotated before the sign-out reached it (the two race there: when the
    // sign-out's RevokeToken lands first, the refresh is refused and there is nothing to revoke).
    const refreshed = proxy.statuses[proxy.operations.indexOf('GetTokensFromRefreshToken')] === 200
    t.is(proxy.operations.filter((op) => op === 'RevokeToken').length, (storeKind === 'redis' ? 0 : 1) + (refreshed ? 1 : 0))
  })
}

test('a store that is down or stalls answers a coded 503 within the timeout, never a hang; both Redis clients', async (t) => {
  for (const kind of ['redis', 'ioredis']) {
    const own = await redis.start()
    const { store, quit } = await storeOf(kind, own.url)
    const pool = cognitoUserPool(t.context.poolData)
    const sessions = pool.sessions({ secrets: SECRET, store, timeout: 500 })
    const server = await serve('express', { pool, sessions })
    const client = browser(server.url)
    const user = await confirmedUser(t.context.poolData)
    t.is((await client.request('/login', { method: 'POST', body: { username: user.username, password: PASSWORD } })).status, 200)
    own.stop()
    const started = Date.now()
    const me = await client.request('/me')
    t.is(me.status, 503, kind)
    t.is(me.json.code, 'SessionStoreUnavailable')
    t.true(Date.now() - started < 3000, `answered in ${Date.now() - started} ms`)
    await server.close()
    await quit()
  }
})

test('bad cookies are no session, never an error: tampered, truncated, oversized, foreign, random', async (t) => {
  for (const storeKind of ['memory', 'cookie']) {
    const { server, user, client } = await setUp(t, 'web', storeKind)
    await client.request('/login', { method: 'POST', body: { username: user.username, password: PASSWORD } })
    const [[name, value]] = [...client.jar]
    const flip = (text, at) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1)
    const foreign = await setUp(t, 'web', storeKind, { options: { secrets: ['another-secret-of-enough-length-00000'] } })
    await foreign.client.request('/login', { method: 'POST', body: { username: foreign.user.username, password: PASSWORD } })
    const cases = {
      tampered: `${name}=${flip(value, value.length - 5)}`,
      truncated: `${name}=${value.slice(0, -10)}`,
      oversized: Array.from({ length: 9 }, (_, i) => `${name}.${i}=${'A'.repeat(1000)}`).join('; '),
      foreign: [...foreign.client.jar].map(([n, v]) => `${n}=${v}`).join('; '),
      empty: `${name}=`,
      'another version': `${name}=s2${value.slice(2)}`,
    }
    for (let i = 0; i < 50; i++)
      cases[`random ${i}`] = `${name}=${Buffer.from(Array.from({ length: i * 7 }, () => Math.random() * 256)).toString('base64url')}.x`
    for (const [what, cookie] of Object.entries(cases)) {
      const me = await browser(server.url).request('/me', { headers: { cookie } })
      t.is(me.status, 401, `${storeKind}: ${what}`)
    }
    t.is((await client.request('/me')).status, 200, 'the real cookie still works')
  }
})

test('secrets rotate without signing anyone out: the new secret first, the old one still opens; without it, no session', async (t) => {
  const OLD = SECRET
  const NEW = 'the-new-secret-of-this-deployment-0002'
  const { user, client } = await setUp(t, 'express', 'cookie', { options: { secrets: [OLD] } })
  await client.request('/login', { method: 'POST', body: { username: user.username, password: PASSWORD } })
  for (const [secrets, status] of [
    [[NEW, OLD], 200],
    [[NEW], 401],
  ]) {
    const pool = cognitoUserPool(t.context.poolData)
    const server = await serve('express', { pool, sessions: pool.sessions({ secrets, store: 'cookie' }) })
    const other = browser(server.url)
    for (const [name, value] of client.jar) other.jar.set(name, value)
    t.is((await other.request('/me')).status, status, secrets.length === 2 ? 'new and old' : 'new only')
    await server.close()
  }
})

test('a session past its maxAge is no session, and is removed from the store', async (t) => {
  const pool = cognitoUserPool(t.context.poolData)
  const store = cognitoUserPool.memoryStore()
  const sessions = pool.sessions({ secrets: SECRET, store, maxAge: 3600 })
  const user = await confirmedUser(t.context.poolData)
  const request = { host: '127.0.0.1' }
  const { session, setCookie } = await sessions.start(await pool.login({ username: user.username, password: PASSWORD }), request)
  const cookie = setCookie.map((line) => line.split(';')[0]).join('; ')
  t.truthy((await sessions.read({ ...request, cookie })).session)
  t.true(setCookie[0].includes('Max-Age=3600'))
  const realNow = Date.now
  try {
    Date.now = () => realNow() + 3601 * 1000
    const late = await sessions.read({ ...request, cookie })
    t.is(late.session, null)
    t.regex(late.setCookie[0], /Max-Age=0/)
  } finally {
    Date.now = realNow
  }
  t.is(await store.get(session.id), null)
})

test('misconfiguration fails closed, by name, through the request: undefined secrets or store, short secrets, a guard with undefined groups', async (t) => {
  const pool = cognitoUserPool(t.context.poolData)
  const cases = [
    [{ secrets: undefined }, /secrets is undefined/],
    [{ secrets: SECRET, store: undefined }, /store is undefined/],
    [{ secrets: 'short' }, /at least 32 characters/],
    [{ secrets: SECRET, store: cognitoUserPool.redisStore({}) }, /redisStore: give a client/],
    [{ secrets: SECRET, cookie: { sameSite: 'none', secure: false } }, /needs a Secure cookie/],
  ]
  for (const [options, message] of cases) {
    const err = await t.throwsAsync(pool.sessions(options).read({ cookie: 'session=x', host: '127.0.0.1' }))
    t.is(err.code, 'InvalidParameterException')
    t.is(err.statusCode, 400)
    t.regex(err.message, message)
  }
  const sessions = pool.sessions({ secrets: SECRET })
  const { guard } = sessions.web
  const refused = await guard(new Request('http://127.0.0.1/x'), { groups: undefined })
  t.is(refused.response.status, 400)
  t.regex((await refused.response.json()).message, /groups is undefined/)
  const started = await t.throwsAsync(sessions.start({ nextStep: 'MFA_AUTH', loginSession: 'x' }))
  t.is(started.code, 'InvalidParameterException')
})

test('nothing secret in what an app may log: a session printed, serialized or inspected shows no token', async (t) => {
  const pool = cognitoUserPool(t.context.poolData)
  const sessions = pool.sessions({ secrets: SECRET })
  const user = await confirmedUser(t.context.poolData)
  const tokens = await pool.login({ username: user.username, password: PASSWORD })
  const { session } = await sessions.start(tokens, { host: '127.0.0.1' })
  const shown = [JSON.stringify(session), require('node:util').inspect(session, { depth: 9 }), String(Object.keys(session))].join('\n')
  for (const token of [tokens.accessToken, tokens.idToken, tokens.refreshToken]) t.false(shown.includes(token))
  t.is(session.auth.accessToken, tokens.accessToken, 'the tokens are there for the methods')
  t.false('refreshToken' in session.auth)
})

test('cookie defaults: Secure and __Host- off loopback, Domain and Path as given, HttpOnly and SameSite=Lax always', async (t) => {
  const pool = cognitoUserPool(t.context.poolData)
  const user = await confirmedUser(t.context.poolData)
  const tokens = await pool.login({ username: user.username, password: PASSWORD })
  const remote = await pool.sessions({ secrets: SECRET }).start(tokens, { host: 'app.example.com' })
  t.regex(remote.setCookie[0], /^__Host-session=[^;]+; Path=\/; Max-Age=2592000; HttpOnly; SameSite=Lax; Secure$/)
  const scoped = await pool
    .sessions({ secrets: SECRET, cookie: { name: 'sid', domain: 'example.com', path: '/app', sameSite: 'strict' } })
    .start(tokens, { host: 'app.example.com' })
  t.regex(
    scoped.setCookie[0],
    /^sid=[^;]+; Path=\/app; Max-Age=2592000; HttpOnly; SameSite=Strict; Domain=example.com; Secure$/,
    'no prefix with a Domain',
  )
  const local = await pool.sessions({ secrets: SECRET }).start(tokens, { host: 'localhost:3000' })
  t.regex(local.setCookie[0], /^session=[^;]+; Path=\/; Max-Age=2592000; HttpOnly; SameSite=Lax$/)
})

test('cookie-only sessions larger than a cookie are written in chunks, read back whole, and shrink without leftovers', async (t) => {
  const long = (n) => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26))).join('')
  const user = await confirmedUser(t.context.poolData, {
    attributes: [
      { Name: 'name', Value: long(2000) },
      { Name: 'address', Value: long(2000) },
    ],
  })
  const { client } = await setUp(t, 'express', 'cookie')
  await client.request('/login', { method: 'POST', body: { username: user.username, password: PASSWORD } })
  const names = [...client.jar.keys()]
  t.true(names.length >= 2, `chunks: ${names.join(', ')}`)
  t.deepEqual(
    names,
    names.map((_, i) => `session.${i}`),
  )
  for (const line of client.raw) t.true(Buffer.byteLength(line) < 4096, 'each Set-Cookie fits a cookie')
  const me = await client.request('/me')
  t.is(me.status, 200)
  t.is(me.json.username, user.username)
  // The same browser signs in as a user with a small session: the chunks it no longer needs are cleared.
  const small = await confirmedUser(t.context.poolData)
  await client.request('/login', { method: 'POST', body: { username: small.username, password: PASSWORD } })
  t.deepEqual([...client.jar.keys()], ['session'])
  t.is((await client.request('/me')).json.username, small.username)
})

test('a store that stalls, and keys that cannot be fetched: coded 503s within the timeout', async (t) => {
  const pool = cognitoUserPool(t.context.poolData)
  const user = await confirmedUser(t.context.poolData)
  const tokens = await pool.login({ username: user.username, password: PASSWORD })
  const memory = cognitoUserPool.memoryStore()
  let stalled = false
  const stalling = { ...memory, get: (id) => (stalled ? new Promise(() => {}) : memory.get(id)) }
  const sessions = pool.sessions({ secrets: SECRET, store: stalling, timeout: 300 })
  const { setCookie } = await sessions.start(tokens, { host: '127.0.0.1' })
  const cookie = setCookie[0].split(';')[0]
  stalled = true
  const started = Date.now()
  const err = await t.throwsAsync(sessions.read({ cookie, host: '127.0.0.1' }))
  t.is(err.code, 'SessionStoreUnavailable')
  t.is(err.statusCode, 503)
  t.true(Date.now() - started < 2000)
  const keyless = cognitoUserPool({ ...t.context.poolData, jwksUrl: 'http://127.0.0.1:9/jwks.json', timeout: 1000 })
  const unavailable = await t.throwsAsync(keyless.sessions({ secrets: SECRET }).start(tokens, { host: '127.0.0.1' }))
  t.is(unavailable.code, 'SessionKeysUnavailable')
  t.is(unavailable.statusCode, 503)
})

test('guards let a session through with one of the required groups or scopes, on every framework', async (t) => {
  const user = await confirmedUser(t.context.poolData)
  await admin('CreateGroup', { UserPoolId: t.context.poolData.UserPoolId, GroupName: 'admins' }).catch(() => {})
  await admin('AdminAddUserToGroup', { UserPoolId: t.context.poolData.UserPoolId, Username: user.username, GroupName: 'admins' })
  for (const framework of FRAMEWORKS) {
    const { client } = await setUp(t, framework, 'memory')
    await client.request('/login', { method: 'POST', body: { username: user.username, password: PASSWORD } })
    const admitted = await client.request('/admin')
    t.is(admitted.status, 200, framework)
  }
  const pool = cognitoUserPool(t.context.poolData)
  const sessions = pool.sessions({ secrets: SECRET })
  const { setCookie } = await sessions.start(await pool.login({ username: user.username, password: PASSWORD }), { host: '127.0.0.1' })
  const request = new Request('http://127.0.0.1/', { headers: { cookie: setCookie[0].split(';')[0] } })
  t.truthy((await sessions.web.guard(request, { scopes: ['aws.cognito.signin.user.admin', 'other'] })).session)
  const refused = await sessions.web.guard(request, { scopes: ['orders/read'] })
  t.is(refused.response.status, 403)
  t.like(await refused.response.json(), { code: 'Forbidden' })
})
