'use strict'

// `require('cognito-user-pool/testing')`: a local issuer for an app's own tests. It mints
// Cognito-shaped id and access tokens (RS256 or ES256) with the claims the test chooses, signed by
// a key made in memory, and hands its JWKS to a verifier, or serves it on a loopback port for a
// pool (`pool.verifier()`, `verifyToken`, sessions). Its tokens name the real issuer URL of the pool
// id given; a verifier in production fetches the pool's real keys, which never verify them. It is
// a separate entry point: nothing in the package's main path loads it.

const crypto = require('node:crypto')
const http = require('node:http')
const { createVerifier } = require('./verifier.js')
const { invalidParams } = require('./errors.js')

const SHAPES = {
  RS256: () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ES256: () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }),
}
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
const now = () => Math.floor(Date.now() / 1000)

class TestIssuer {
  #privateKey
  #server = null

  constructor({ userPoolId = 'us-east-1_TestPool1', clientId = 'test-client', alg = 'RS256' } = {}) {
    if (!Object.hasOwn(SHAPES, alg)) throw invalidParams("alg must be 'RS256' or 'ES256'")
    if (!/^[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]+$/.test(userPoolId)) throw invalidParams('userPoolId must look like <region>_<id>')
    const { publicKey, privateKey } = SHAPES[alg]()
    this.#privateKey = privateKey
    this.alg = alg
    this.userPoolId = userPoolId
    this.clientId = clientId
    const region = userPoolId.slice(0, userPoolId.indexOf('_'))
    /** The issuer a Cognito token of this pool names. */
    this.issuer = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`
    const kid = crypto.randomUUID()
    /** The JWKS to hand a verifier (`createVerifier({ ..., jwks })`). */
    this.jwks = Object.freeze({ keys: [Object.freeze({ ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' })] })
    this.kid = kid
  }

  /**
   * An access token: `sub`, `username`, `groups` (cognito:groups), `scopes` (space-joined
   * `scope`), `clientId`, `expiresIn` (seconds, negative for an expired token), `notBefore`
   * (seconds from now, for a token not yet valid), and any other `claims`.
   */
  accessToken({
    sub = 'test-user-sub',
    username = 'test-user',
    groups,
    scopes = ['aws.cognito.signin.user.admin'],
    clientId = this.clientId,
    ...rest
  } = {}) {
    return this.#sign({ sub, username, client_id: clientId, token_use: 'access', scope: scopes.join(' '), ...groupsClaim(groups) }, rest)
  }

  /** An id token: as `accessToken`, with `email` and the app client as `aud`. */
  idToken({
    sub = 'test-user-sub',
    username = 'test-user',
    email = 'test-user@example.com',
    groups,
    clientId = this.clientId,
    ...rest
  } = {}) {
    return this.#sign(
      { sub, 'cognito:username': username, email, email_verified: true, aud: clientId, token_use: 'id', ...groupsClaim(groups) },
      rest,
    )
  }

  /** Tokens as a login resolves them (with a refresh token that only looks the part). */
  tokens(options = {}) {
    const { email, scopes, ...common } = options
    const accessToken = this.accessToken(scopes === undefined ? common : { ...common, scopes })
    const idToken = this.idToken(email === undefined ? common : { ...common, email })
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url'))
    return {
      accessToken,
      accessTokenExpiresAt: claims.exp,
      idToken,
      idTokenExpiresAt: claims.exp,
      refreshToken: `test-refresh-${crypto.randomUUID()}`,
    }
  }

  /** A verifier of this issuer's tokens (`createVerifier` with its JWKS); `options` as createVerifier's. */
  verifier(options = {}) {
    return createVerifier({ userPoolId: this.userPoolId, clientId: this.clientId, tokenUse: null, ...options, jwks: this.jwks })
  }

  /**
   * The JWKS served on a loopback port, for what fetches keys by URL: resolves `{ jwksUrl,
   * poolData }` (poolData for `require('cognito-user-pool')(poolData)`); `close()` stops it.
   */
  async serve() {
    if (!this.#server) {
      this.#server = http.createServer((req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(this.jwks)))
      await new Promise((resolve) => this.#server.listen(0, '127.0.0.1', resolve))
      this.#server.unref()
    }
    const jwksUrl = `http://127.0.0.1:${this.#server.address().port}/${this.userPoolId}/.well-known/jwks.json`
    return { jwksUrl, poolData: { UserPoolId: this.userPoolId, ClientId: this.clientId, jwksUrl } }
  }

  async close() {
    const server = this.#server
    this.#server = null
    if (server) await new Promise((resolve) => server.close(resolve))
  }

  #sign(claims, { expiresIn = 3600, notBefore, claims: extra = {}, ...unknown } = {}) {
    const names = Object.keys(unknown)
    if (names.length)
      throw invalidParams(`unknown option${names.length > 1 ? 's' : ''} ${names.join(', ')}: give other claims as { claims }`)
    const iat = now()
    const payload = {
      ...claims,
      iss: this.issuer,
      iat,
      auth_time: iat,
      exp: iat + expiresIn,
      jti: crypto.randomUUID(),
      ...(notBefore !== undefined ? { nbf: iat + notBefore } : {}),
      ...extra,
    }
    const input = `${b64({ kid: this.kid, alg: this.alg })}.${b64(payload)}`
    const signature = crypto.sign('sha256', Buffer.from(input), { key: this.#privateKey, dsaEncoding: 'ieee-p1363' })
    return `${input}.${signature.toString('base64url')}`
  }
}

const groupsClaim = (groups) => (groups === undefined ? {} : { 'cognito:groups': groups })

/** A local issuer: `{ userPoolId?, clientId?, alg? }` ('RS256' or 'ES256'). */
function createTestIssuer(options) {
  return new TestIssuer(options)
}

module.exports = { createTestIssuer, TestIssuer }
