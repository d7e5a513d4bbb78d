'use strict'

// aws-jwt-verify's own unit tests of its generic verifier, section "verifySync › parse errors"
// (awslabs/aws-jwt-verify tests/unit/jwt-verifier.test.ts, 5.2), re-expressed against this
// package's JwtVerifier: each test named after the upstream test. Upstream verifies against one JWK
// handed to verifyJwtSync; here a verifier holds that JWK in its JWKS, so the headers name its `kid`
// (a token without one is JwtWithoutValidKidError here, before any claim is read). Deliberately
// different: a token that is not a string (undefined, an object) is the caller's mistake, answered
// as ParameterValidationError (InvalidParameterException, 400), where upstream says JwtParseError.

const crypto = require('node:crypto')
const test = require('ava')
const { JwtVerifier } = require('..')
const { JwtInvalidSignatureAlgorithmError, JwtParseError, ParameterValidationError } = require('cognito-user-pool/error')

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
