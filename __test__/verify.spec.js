'use strict'

// verifyToken against fakecloud's real RS256 tokens and its JWKS (served at its own address while
// `iss` names AWS, hence poolData.jwksUrl).

const test = require('ava')
const cognitoUserPool = require('..')
const { admin, createPool, loggedInUser, URL } = require('./helpers')

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url')
const parts = (jwt) => jwt.split('.')
const claims = (jwt) => JSON.parse(Buffer.from(parts(jwt)[1], 'base64url').toString())

test.before(async (t) => {
  const poolData = await createPool()
  t.context.poolData = { ...poolData, jwksUrl: `${URL}/${poolData.UserPoolId}/.well-known/jwks.json` }
  t.context.pool = cognitoUserPool(t.context.poolData)
  t.context.user = await loggedInUser(poolData)
})

test('valid id and access tokens resolve their claims', async (t) => {
  const { pool, user } = t.context
  const id = await pool.verifyToken({ token: user.tokens.idToken })
  t.is(id.token_use, 'id')
  t.is(id['cognito:username'], user.username)
  t.is(id.email, user.email)
  const access = await pool.verifyToken({ token: user.tokens.accessToken, tokenUse: 'access' })
  t.is(access.token_use, 'access')
  t.is(access.client_id, t.context.poolData.ClientId)
})

test('refused: wrong token use, alg none, HS256, tampered payload, garbage', async (t) => {
  const { pool, user } = t.context
  const [h, p, s] = parts(user.tokens.idToken)
  const header = JSON.parse(Buffer.from(h, 'base64url').toString())
  const cases = {
    'wrong token use': pool.verifyToken({ token: user.tokens.idToken, tokenUse: 'access' }),
    'not signed with RS256': pool.verifyToken({ token: `${b64({ ...header, alg: 'none' })}.${p}.` }),
    'not signed with RS256 (HS256)': pool.verifyToken({ token: `${b64({ ...header, alg: 'HS256' })}.${p}.${s}` }),
    'bad signature': pool.verifyToken({ token: `${h}.${b64({ ...claims(user.tokens.idToken), 'cognito:username': 'admin' })}.${s}` }),
    'not a JWT': pool.verifyToken({ token: 'garbage' }),
  }
  for (const [reason, promise] of Object.entries(cases)) {
    const err = await t.throwsAsync(promise)
    t.is(err.code, 'NotAuthorizedException', reason)
    t.true(err.message.startsWith('Invalid token: '), err.message)
    t.false(err.message.includes(p), 'the token is never quoted')
  }
})

test('refused: a token of another app client, and one of another pool', async (t) => {
  const { pool, poolData } = t.context
  const { UserPoolClient } = await admin('CreateUserPoolClient', {
    UserPoolId: poolData.UserPoolId,
    ClientName: 'other',
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  })
  const sibling = await loggedInUser({ ...poolData, ClientId: UserPoolClient.ClientId })
  const err = await t.throwsAsync(pool.verifyToken({ token: sibling.tokens.accessToken }))
  t.is(err.message, 'Invalid token: issued to another app client')

  const otherPool = await createPool()
  const stranger = await loggedInUser(otherPool)
  const foreign = await t.throwsAsync(pool.verifyToken({ token: stranger.tokens.idToken }))
  t.is(foreign.code, 'NotAuthorizedException')
})

test('bad params: missing token, unknown tokenUse, negative grace', async (t) => {
  const { pool } = t.context
  for (const params of [{}, { token: 'x', tokenUse: 'refresh' }, { token: 'x', graceSeconds: -1 }]) {
    const err = await t.throwsAsync(pool.verifyToken(params))
    t.is(err.code, 'InvalidParameterException')
  }
})

test('the pool\'s issuer in both formats Cognito issues, and no other', async (t) => {
  // A key of the test's own, served from a loopback JWKS, signs tokens as the pool would.
  const crypto = require('node:crypto')
  const http = require('node:http')
  const { listenOnLoopback } = require('./helpers')
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' }
  const jwks = await listenOnLoopback(http.createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] }))))
  const poolData = { UserPoolId: 'eu-west-1_Issuer1', ClientId: 'client1', jwksUrl: `${jwks.url}/jwks.json` }
  const sign = (iss) => {
    const now = Math.floor(Date.now() / 1000)
    const input = [{ alg: 'RS256', kid: 'test-key' }, { iss, token_use: 'access', client_id: 'client1', exp: now + 600, sub: 'u' }].map(b64).join('.')
    return `${input}.${crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
  }
  try {
    const pool = cognitoUserPool(poolData)
    for (const host of ['cognito-idp', 'issuer-cognito-idp']) {
      const claims = await pool.verifyToken({ token: sign(`https://${host}.eu-west-1.amazonaws.com/eu-west-1_Issuer1`) })
      t.is(claims.sub, 'u', host)
    }
    for (const iss of ['https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other1', 'https://issuer-cognito-idp.us-east-1.amazonaws.com/eu-west-1_Issuer1', 'https://evil.example/eu-west-1_Issuer1']) {
      const err = await t.throwsAsync(pool.verifyToken({ token: sign(iss) }))
      t.is(err.message, 'Invalid token: issued by another pool', iss)
    }
  } finally {
    jwks.close()
  }
})
