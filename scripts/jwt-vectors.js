'use strict'

// `node scripts/jwt-vectors.js > testdata/jwt-vectors.json`
//
// A signed token for each signature algorithm a JWKS can name (RS256/384/512 with 2048-bit keys,
// ES256/384/512 on P-256/384/521), each with the public JWK that verifies it, signed by
// node:crypto (OpenSSL), an implementation independent of the AWS-LC one that verifies them in
// the unit tests and benches. Keys are drawn afresh on every run; the file keeps one draw. The
// tokens expire in 2100.

const crypto = require('node:crypto')

const POOL = 'eu-west-1_Vectors1'
const ISS = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')

const algorithms = {
  RS256: { type: 'rsa', options: { modulusLength: 2048 }, hash: 'sha256' },
  RS384: { type: 'rsa', options: { modulusLength: 2048 }, hash: 'sha384' },
  RS512: { type: 'rsa', options: { modulusLength: 2048 }, hash: 'sha512' },
  ES256: { type: 'ec', options: { namedCurve: 'P-256' }, hash: 'sha256' },
  ES384: { type: 'ec', options: { namedCurve: 'P-384' }, hash: 'sha384' },
  ES512: { type: 'ec', options: { namedCurve: 'P-521' }, hash: 'sha512' },
}

const vectors = Object.entries(algorithms).map(([alg, { type, options, hash }]) => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync(type, options)
  const kid = `${alg.toLowerCase()}-key`
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }
  const claims = {
    sub: 'vector-user',
    iss: ISS,
    token_use: 'access',
    client_id: 'vectorclient',
    scope: 'aws.cognito.signin.user.admin',
    'cognito:groups': ['readers'],
    exp: 4102444800,
    iat: 1764547200,
    jti: crypto.randomUUID(),
    username: 'vector-user',
  }
  const input = `${b64({ kid, alg })}.${b64(claims)}`
  const signature = crypto.sign(hash, Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' })
  return { alg, jwk, token: `${input}.${signature.toString('base64url')}` }
})

process.stdout.write(`${JSON.stringify({ userPoolId: POOL, clientId: 'vectorclient', vectors }, null, 2)}\n`)
