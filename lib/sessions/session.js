'use strict'

// What an app sees of a signed-in user: the verified claims, the username, the session's expiry,
// and `auth`, the params this package's methods take (`pool.profile({ ...session.auth })`). The
// tokens stay private: no log line, JSON or inspection of a session shows one, and the refresh
// token never leaves the session layer.

const util = require('node:util')

class Session {
  #auth

  constructor(record, claims) {
    /** The session's id (the store's key; never the cookie's value, which is sealed). */
    this.id = record.id
    this.username = record.username
    /** The access token's verified claims (`sub`, `scope`, `cognito:groups`, `client_id`, `exp`, ...). */
    this.claims = claims
    /** The id token's claims, verified when the session started or last refreshed (`email`, ...); null without an id token. */
    this.idClaims = record.idClaims ?? null
    /** When the session ends whatever happens (seconds since the epoch). */
    this.expiresAt = record.expiresAt
    /** When the access token expires (seconds); the session refreshes it before then. */
    this.accessTokenExpiresAt = claims.exp
    this.#auth = Object.freeze({ username: record.username, accessToken: record.accessToken, idToken: record.idToken })
    Object.freeze(this)
  }

  /** `{ username, accessToken, idToken }`: spread it into a method's params to act as the user. */
  get auth() {
    return this.#auth
  }

  toJSON() {
    const { id, username, claims, idClaims, expiresAt, accessTokenExpiresAt } = this
    return { id, username, claims, idClaims, expiresAt, accessTokenExpiresAt }
  }

  [util.inspect.custom](depth, options, inspect) {
    return `Session ${inspect(this.toJSON(), options)}`
  }
}

module.exports = { Session }
