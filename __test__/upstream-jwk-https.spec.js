'use strict'

// aws-jwt-verify's own unit tests of its JWKS handling, its HTTPS fetch and its safe JSON parse
// (awslabs/aws-jwt-verify tests/unit/jwk.test.ts, https.test.ts, safe-json-parse.test.ts, 5.2),
// re-expressed as what a verifier of this package does: upstream calls its internal functions
// (fetchJwk, SimpleJwksCache, fetchJson, safeJsonParse) with mocked https; here a verifier fetches
// from a server on 127.0.0.1 that answers as each test needs, or from a `fetcher`. Each test is
// named after the upstream test. Left out: assert.test.ts (the argument checks of aws-jwt-verify's
// internal assert helpers; the checks they serve are the claim tests of the verifier suites), the
// LRU cache and ALB cache classes (internal; the behaviours, a key per kid, one fetch at a time,
// are in upstream-alb-verifier.spec.js), and the penalty box's sub-second wait (jwksWaitSeconds
// takes whole seconds: 1 s here).

const crypto = require('node:crypto')
const http = require('node:http')
const test = require('ava')
const { JwtVerifier } = require('..')
const {
  FetchError,
  JwksNotAvailableInCacheError,
  JwksValidationError,
  JwkValidationError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
} = require('cognito-user-pool/error')

const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'testkid', alg: 'RS256', use: 'sig' }
const jwks = { keys: [jwk] }
const ISSUER = 'https://example.com'
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
const sign = (payload, header = {}) => {
  const input = `${b64({ alg: 'RS256', kid: 'testkid', ...header })}.${b64({ iss: ISSUER, exp: 4_000_000_000, ...payload })}`
  return `${input}.${crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
}

/** A JWKS endpoint on loopback: `answer(req, res, n)` answers the n-th request (from 1); `hits` counts them. */
async function endpoint(answer) {
  const state = { hits: 0 }
  const server = http.createServer((req, res) => answer(req, res, ++state.hits))
  const sockets = new Set()
  server.on('connection', (socket) => sockets.add(socket))
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return Object.assign(state, {
    uri: `http://127.0.0.1:${server.address().port}/.well-known/jwks.json`,
    close: () => {
      for (const socket of sockets) socket.destroy()
      server.close()
    },
  })
}
const json = (body) => (req, res) =>
  res.setHeader('content-type', 'application/json').end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body))
const verifierOf = (uri, settings = {}) => JwtVerifier.create({ issuer: ISSUER, audience: null, jwksUri: uri, ...settings })

async function serving(t, answer) {
  const served = await endpoint(answer)
  t.teardown(served.close)
  return served
}

// jwk.test.ts
test('jwk › Fetch JWKS works (hydrate)', async (t) => {
  const served = await serving(t, json(jwks))
  const verifier = verifierOf(served.uri)
  await verifier.hydrate()
  t.is(verifier.verifySync(sign({ sub: 'a' })).sub, 'a')
  t.is(served.hits, 1)
})

test('jwk › Fetch JWK works', async (t) => {
  const served = await serving(t, json(jwks))
  t.is((await verifierOf(served.uri).verify(sign({ sub: 'a' }))).sub, 'a')
})

test('jwk › Fetch JWK error flow: invalid JSON', async (t) => {
  const served = await serving(t, json(Buffer.from('ff', 'hex')))
  const err = await t.throwsAsync(verifierOf(served.uri).verify(sign({})))
  t.true(err instanceof JwksValidationError, err.name)
})

test('jwk › Fetch JWK error flow: kid empty', async (t) => {
  const served = await serving(t, json(jwks))
  const err = await t.throwsAsync(verifierOf(served.uri).verify(sign({}, { kid: undefined })))
  t.true(err instanceof JwtWithoutValidKidError)
  t.is(served.hits, 0, 'no fetch for a token that names no key')
})

test('jwk › Fetch JWK error flow: kid not found', async (t) => {
  const served = await serving(t, json(jwks))
  const err = await t.throwsAsync(verifierOf(served.uri).verify(sign({}, { kid: 'kiddoesnotexist' })))
  t.true(err instanceof KidNotFoundInJwksError)
})

for (const [name, body] of [
  ['Validate JWKS error flow: no jwks', ''],
  ['Validate JWKS error flow: jwks is not an object', '"foo"'],
  ['validate › JWKS › no keys', '{}'],
  ['validate › JWKS › keys not an array', '{"keys":"foo"}'],
  ['validate › JWKS › not a valid jwks (a key that is no JWK)', '{"keys":["foo"]}'],
]) {
  test(`jwk › ${name}`, async (t) => {
    const served = await serving(t, json(body))
    const err = await t.throwsAsync(verifierOf(served.uri).verify(sign({})))
    t.true(err instanceof JwksValidationError || err instanceof JwkValidationError, `${err.name}: ${err.message}`)
  })
}

for (const [name, key, Class] of [
  ['validate › JWK › empty JWK', {}, JwkValidationError],
  ['validate › JWK › JWK optional field alg is not a string', { ...jwk, alg: 123 }, JwkValidationError],
]) {
  test(`jwk › ${name}`, async (t) => {
    const served = await serving(t, json({ keys: [key] }))
    const err = await t.throwsAsync(verifierOf(served.uri).verify(sign({})))
    t.true(err instanceof Class || err instanceof JwksValidationError, `${err.name}: ${err.message}`)
  })
}

test('jwk › validate › JWKS › is a valid jwks', async (t) => {
  const served = await serving(t, json(jwks))
  await t.notThrowsAsync(verifierOf(served.uri).hydrate())
})

test('jwk › Simple JWKS cache returns cached JWK (no second fetch)', async (t) => {
  const served = await serving(t, json(jwks))
  const verifier = verifierOf(served.uri)
  await verifier.verify(sign({}))
  await verifier.verify(sign({}))
  t.is(served.hits, 1)
})

test('jwk › Simple JWKS cache error flow: JWK not cached (verifySync fetches nothing)', async (t) => {
  const served = await serving(t, json(jwks))
  t.true(t.throws(() => verifierOf(served.uri).verifySync(sign({}))) instanceof JwksNotAvailableInCacheError)
  t.is(served.hits, 0)
})

test('jwk › Simple JWKS cache fetches URI one attempt at a time', async (t) => {
  const served = await serving(t, (req, res) => setTimeout(() => json(jwks)(req, res), 50))
  const verifier = verifierOf(served.uri)
  await Promise.all([verifier.verify(sign({})), verifier.verify(sign({})), verifier.hydrate()])
  t.is(served.hits, 1)
})

test('jwk › Simple JWKS cache throws error if wait time did not yet pass', async (t) => {
  const served = await serving(t, json(jwks))
  const verifier = verifierOf(served.uri, { jwksWaitSeconds: 1 })
  const first = await t.throwsAsync(verifier.verify(sign({}, { kid: 'otherkid' })))
  const wait = new Promise((resolve) => setTimeout(resolve, 1000))
  t.true(first instanceof KidNotFoundInJwksError)
  const second = await t.throwsAsync(verifier.verify(sign({}, { kid: 'otherkid2' })))
  t.true(second instanceof WaitPeriodNotYetEndedJwkError)
  t.is((await verifier.verify(sign({ sub: 'cached' }))).sub, 'cached', 'a known key still verifies')
  await wait
  const third = await t.throwsAsync(verifier.verify(sign({}, { kid: 'otherkid' })))
  t.true(third instanceof KidNotFoundInJwksError)
  t.is(served.hits, 2)
})

test('jwk › customize JWKS cache › SimpleJwksCache with custom penaltyBox and fetcher', async (t) => {
  const asked = []
  const verifier = JwtVerifier.create(
    { issuer: ISSUER, audience: null, jwksUri: 'https://keys.example/jwks.json' },
    { jwksWaitSeconds: 3600, fetcher: async (uri) => (asked.push(uri), jwks) },
  )
  t.is((await verifier.verify(sign({ sub: 'x' }))).sub, 'x')
  t.true((await t.throwsAsync(verifier.verify(sign({}, { kid: 'a' })))) instanceof KidNotFoundInJwksError)
  t.true((await t.throwsAsync(verifier.verify(sign({}, { kid: 'b' })))) instanceof WaitPeriodNotYetEndedJwkError)
  t.deepEqual(asked, ['https://keys.example/jwks.json', 'https://keys.example/jwks.json'])
})

// https.test.ts: what a JWKS fetch does on the wire.
test('https › Fetch happy flow works', async (t) => {
  const served = await serving(t, json(jwks))
  await verifierOf(served.uri).hydrate()
  t.is(served.hits, 1)
})

test('https › Fetch error flow works: 404', async (t) => {
  const served = await serving(t, (req, res) => res.writeHead(404).end('not found'))
  const err = await t.throwsAsync(verifierOf(served.uri).hydrate())
  t.true(err instanceof FetchError)
  t.is(served.hits, 1, 'not repeated: a 404 will not heal by retrying')
})

test('https › Fetch error flow works: TCP error', async (t) => {
  const served = await serving(t, (req) => req.socket.destroy())
  const err = await t.throwsAsync(verifierOf(served.uri).hydrate())
  t.true(err instanceof FetchError)
})

test('https › Fetch error flow works: response timeout', async (t) => {
  const served = await serving(t, () => {})
  const started = Date.now()
  const err = await t.throwsAsync(verifierOf(served.uri, { timeout: 300 }).hydrate())
  t.true(err instanceof FetchError)
  t.true(Date.now() - started < 3000, `${Date.now() - started} ms`)
})

test('https › Simple JSON fetcher does retry once', async (t) => {
  const served = await serving(t, (req, res, n) => (n === 1 ? req.socket.destroy() : json(jwks)(req, res)))
  await verifierOf(served.uri).hydrate()
  t.is(served.hits, 2)
})

test('https › Simple JSON fetcher does not retry twice', async (t) => {
  const served = await serving(t, (req, res, n) => (n <= 2 ? req.socket.destroy() : json(jwks)(req, res)))
  t.true((await t.throwsAsync(verifierOf(served.uri).hydrate())) instanceof FetchError)
  t.is(served.hits, 2)
})

test('https › Simple JSON fetcher does not retry non-retryable errors', async (t) => {
  const served = await serving(t, (req, res) => res.writeHead(500).end('no'))
  t.true((await t.throwsAsync(verifierOf(served.uri).hydrate())) instanceof FetchError)
  t.is(served.hits, 1)
})

test('https › Simple JSON fetcher uses defaults provided to the constructor (the timeout)', async (t) => {
  const served = await serving(t, (req, res) => setTimeout(() => json(jwks)(req, res), 600))
  t.true((await t.throwsAsync(verifierOf(served.uri, { timeout: 200 }).hydrate())) instanceof FetchError)
  await t.notThrowsAsync(verifierOf(served.uri, { timeout: 2000 }).hydrate())
})

// safe-json-parse.test.ts: a token's payload as the caller gets it.
test('safe-json-parse › safeJsonParse works like JSON parse', async (t) => {
  const claims = { sub: 'a', nested: { list: [1, 'two', { three: true }] }, n: 1.5, empty: null }
  const verifier = JwtVerifier.create({ issuer: ISSUER, audience: null, jwksUri: 'https://keys.example/jwks.json', jwks })
  t.like(verifier.verifySync(sign(claims)), claims)
})

test('safe-json-parse › safeJsonParse removes __proto__ and constructor', (t) => {
  const verifier = JwtVerifier.create({ issuer: ISSUER, audience: null, jwksUri: 'https://keys.example/jwks.json', jwks })
  const input = `${b64({ alg: 'RS256', kid: 'testkid' })}.${Buffer.from(`{"iss":"${ISSUER}","exp":4000000000,"__proto__":{"polluted":1},"nested":{"constructor":{"prototype":{"x":1}},"ok":1}}`).toString('base64url')}`
  const token = `${input}.${crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
  const claims = verifier.verifySync(token)
  t.false(Object.hasOwn(claims, '__proto__'))
  t.false(Object.hasOwn(claims.nested, 'constructor'))
  t.is(claims.nested.ok, 1)
})

test('safe-json-parse › safeJsonParse prevents prototype pollution', (t) => {
  const verifier = JwtVerifier.create({ issuer: ISSUER, audience: null, jwksUri: 'https://keys.example/jwks.json', jwks })
  const input = `${b64({ alg: 'RS256', kid: 'testkid' })}.${Buffer.from(`{"iss":"${ISSUER}","exp":4000000000,"__proto__":{"polluted":"yes"}}`).toString('base64url')}`
  const token = `${input}.${crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
  const merged = Object.assign({}, verifier.verifySync(token))
  t.is(merged.polluted, undefined)
  t.is({}.polluted, undefined)
})
