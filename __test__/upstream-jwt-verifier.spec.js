'use strict'

// aws-jwt-verify's own unit tests of its generic verifier, sections "verifySync › parse errors",
// "expiry", "not before", "scope" and "kid errors" (awslabs/aws-jwt-verify
// tests/unit/jwt-verifier.test.ts, 5.2), re-expressed against this
// package's JwtVerifier: each test named after the upstream test. Upstream verifies against one JWK
// handed to verifyJwtSync; here a verifier holds that JWK in its JWKS, so the headers name its `kid`
// (a token without one is JwtWithoutValidKidError here, before any claim is read). Deliberately
// different: a token that is not a string (undefined, an object) is the caller's mistake, answered
// as ParameterValidationError (InvalidParameterException, 400), where upstream says JwtParseError.

const crypto = require('node:crypto')
const test = require('ava')
const { JwtVerifier } = require('..')
const {
  JwtExpiredError,
  JwtInvalidScopeError,
  JwtInvalidSignatureAlgorithmError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  ParameterValidationError,
} = require('cognito-user-pool/error')

const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'key-1', alg: 'RS256', use: 'sig' }
const verifier = JwtVerifier.create({ issuer: 'test', audience: null, jwksUri: 'https://keys.example/jwks.json', jwks: { keys: [jwk] } })

const b64 = (text) => Buffer.from(text).toString('base64url')
const unsigned = (header, payload) => `${b64(header)}.${b64(payload)}.signature`
const signJwt = (payload) => {
  const input = `${b64(JSON.stringify({ alg: 'RS256', kid: 'key-1' }))}.${b64(JSON.stringify(payload))}`
  return `${input}.${crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
}
const KID = '"kid":"key-1"'

for (const [name, token, Class] of [
  ['empty JWT', undefined, ParameterValidationError],
  ['non-string JWT', { foo: 'bar' }, ParameterValidationError],
  ['JWT with less than 3 parts', 'header.payload', JwtParseError],
  ['JWT with more than 3 parts', 'header.payload.signature.other.garbage', JwtParseError],
  ['JWT with header that is not JSON parseable', `${b64('abc')}.payload.signature`, JwtParseError],
  ['JWT with header that is not an object', `${b64('123')}.payload.signature`, JwtParseError],
  ['JWT with payload that is not JSON parseable', unsigned('{"alg":"rs256"}', 'abc'), JwtParseError],
  ['JWT with payload that is not an object', unsigned('{"alg":"rs256"}', '123'), JwtParseError],
  ['JWT with alg that is not a string', unsigned('{"alg":12345}', '{"iss":"test"}'), JwtParseError],
  ['JWT alg different from JWK alg', unsigned(`{"alg":"RS512",${KID}}`, '{"iss":"test"}'), JwtInvalidSignatureAlgorithmError],
  ['JWT with iss that is not a string', unsigned(`{"alg":"RS256",${KID}}`, '{"iss":12345}'), JwtParseError],
  ['JWT with sub that is not a string', unsigned(`{"alg":"RS256",${KID}}`, '{"sub":12345}'), JwtParseError],
  ['JWT with aud that is not a string', unsigned(`{"alg":"RS256",${KID}}`, '{"aud":12345}'), JwtParseError],
  ['JWT with aud that is not a string array', unsigned(`{"alg":"RS256",${KID}}`, '{"aud":["1234", 5678]}'), JwtParseError],
  ['JWT with iat that is not a number', unsigned(`{"alg":"RS256",${KID}}`, '{"iat":"12345"}'), JwtParseError],
  ['JWT with scope that is not a string', signJwt({ iss: 'test', exp: 4_000_000_000, scope: ['a', 'b'] }), JwtParseError],
  ['JWT with jti that is not a string', signJwt({ iss: 'test', exp: 4_000_000_000, jti: 12345 }), JwtParseError],
]) {
  test(`verifySync › parse errors › ${name}`, (t) => {
    const err = t.throws(() => verifier.verifySync(token))
    t.true(err instanceof Class, `${err.code}: ${err.message}`)
    t.is(err.code, Class === ParameterValidationError ? 'InvalidParameterException' : Class.name)
  })
}

test('verifySync › parse errors › a well-formed token of the issuer verifies (the control case)', (t) => {
  t.is(verifier.verifySync(signJwt({ iss: 'test', exp: 4_000_000_000, sub: 's' })).sub, 's')
})

// Sections "expiry", "not before", "scope" and "kid errors": upstream verifies without an issuer
// (issuer: null); here the verifier's issuer is `test`, so the payloads name it.
const nowSeconds = () => Date.now() / 1000
const signed = (payload, header = {}) => {
  const input = `${b64(JSON.stringify({ alg: 'RS256', kid: 'key-1', ...header }))}.${b64(JSON.stringify({ iss: 'test', ...payload }))}`
  return `${input}.${crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
}
const verifyWith = (token, props) => () => verifier.verifySync(token, props)
const FAR = 4_000_000_000

for (const [name, token, props, Class] of [
  ['expiry › expired jwt', () => signed({ exp: nowSeconds() - 1 }), undefined, JwtExpiredError],
  ['expiry › jwt with nonsense exp', () => signed({ exp: 'Garbage' }), undefined, JwtParseError],
  // Stricter: upstream accepts a token without exp; here it is refused (no token Cognito or an
  // OIDC provider issues lives for ever).
  ['expiry › jwt with empty exp', () => signed({}), undefined, JwtParseError],
  ['expiry › just enough graceSeconds', () => signed({ exp: nowSeconds() - 999, hello: 'world' }), { graceSeconds: 1000 }, null],
  [
    'expiry › just too little graceSeconds',
    () => signed({ exp: nowSeconds() - 1000, hello: 'world' }),
    { graceSeconds: 1000 },
    JwtExpiredError,
  ],
  ['not before › not before', () => signed({ exp: FAR, nbf: nowSeconds() + 1000 }), undefined, JwtNotBeforeError],
  ['not before › invalid nbf', () => signed({ exp: FAR, nbf: 'Garbage' }), undefined, JwtParseError],
  [
    'not before › just enough graceSeconds',
    () => signed({ exp: FAR, nbf: nowSeconds() + 100, hello: 'world' }),
    { graceSeconds: 100 },
    null,
  ],
  [
    'not before › just too little graceSeconds',
    () => signed({ exp: FAR, nbf: nowSeconds() + 100, hello: 'world' }),
    { graceSeconds: 99 },
    JwtNotBeforeError,
  ],
  ['scope › happy flow allowing 1 scope', () => signed({ exp: FAR, scope: 'blah blah2' }), { scope: 'blah' }, null],
  ['scope › happy flow allowing multiple scopes', () => signed({ exp: FAR, scope: 'blah blah2' }), { scope: ['blah3', 'blah2'] }, null],
  ['scope › happy flow not requiring any scope', () => signed({ exp: FAR, scope: 'blah blah2' }), undefined, null],
  ['scope › error flow allowing 1 scope', () => signed({ exp: FAR, scope: 'blah blah2' }), { scope: 'blah3' }, JwtInvalidScopeError],
  [
    'scope › error flow allowing mulitple scopes',
    () => signed({ exp: FAR, scope: 'blah blah2' }),
    { scope: ['blah3', 'blah4'] },
    JwtInvalidScopeError,
  ],
  ['scope › error flow jwt without scope', () => signed({ exp: FAR }), { scope: 'blah3' }, JwtInvalidScopeError],
  ['kid errors › kid is not a string', () => signed({ exp: FAR }, { kid: { foo: 'bar' } }), undefined, JwtParseError],
  ['kid errors › kid not in jwks (an unknown kid)', () => signed({ exp: FAR }, { kid: 'abcd' }), undefined, KidNotFoundInJwksError],
  // Different on purpose: a token without kid names no key, which aws-jwt-verify's own class
  // JwtWithoutValidKidError says (its verifyJwtSync, handed one JWK, says KidNotFoundInJwksError).
  ['kid errors › kid not in jwks (no kid at all)', () => signed({ exp: FAR }, { kid: undefined }), undefined, JwtWithoutValidKidError],
]) {
  test(`verifySync › ${name}`, (t) => {
    const statement = verifyWith(token(), props)
    if (Class === null) return t.is(statement().iss, 'test')
    const err = t.throws(statement)
    t.true(err instanceof Class, `${err.code}: ${err.message}`)
  })
}
