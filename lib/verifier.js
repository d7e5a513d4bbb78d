'use strict'

// Token verification from JS: the verifier's options read (undefined refused where null is the
// explicit "no check"), its custom checks run, and its refusals made into coded Errors.

const { NativeVerifier } = require('./native.js')
const { makeError, invalidParams } = require('./errors.js')

/** The options a verifier reads of each pool it accepts, besides `customJwtCheck`. */
const VERIFIER_KEYS = ['userPoolId', 'tokenUse', 'clientId', 'scope', 'groups', 'graceSeconds', 'jwksUri', 'jwks']
/**
 * The options that must be given, with null as the explicit "no check": `undefined` (an unset
 * environment variable, say) would otherwise accept every app client's tokens, so it is refused.
 */
const NULL_TO_SKIP = ['tokenUse', 'clientId']

/** A verifier's options as its native side reads them, and each pool's custom check. */
function readVerifierOptions(options) {
  const list = Array.isArray(options) ? options : [options]
  const checks = new Map()
  const pools = []
  for (const [i, entry] of list.entries()) {
    if (entry === null || typeof entry !== 'object') return { why: "the verifier's options must be an object or an array of them" }
    const at = list.length > 1 ? `[${i}].` : ''
    const picked = {}
    for (const key of VERIFIER_KEYS) {
      if (!(key in entry)) continue
      if (entry[key] !== undefined) picked[key] = entry[key]
      else if (NULL_TO_SKIP.includes(key)) return { why: `${at}${key} is undefined: give a value, or null for no check` }
    }
    const { customJwtCheck } = entry
    if (customJwtCheck !== undefined && customJwtCheck !== null) {
      if (typeof customJwtCheck !== 'function') return { why: `${at}customJwtCheck must be a function` }
      checks.set(picked.userPoolId, customJwtCheck)
    }
    pools.push(picked)
  }
  const timeout = Array.isArray(options) ? undefined : options.timeout
  try {
    return { json: JSON.stringify({ pools, timeout }), checks }
  } catch {
    return { why: "the verifier's options could not be read as JSON" }
  }
}

/**
 * Verifies Cognito id and access tokens locally, as aws-jwt-verify's `CognitoJwtVerifier` does:
 * `verify(token)` resolves the claims (fetching the pool's keys when it must), `verifySync(token)`
 * returns them with the keys known now. Bad options are reported by every verification.
 */
class Verifier {
  #native
  #checks
  #why

  constructor(options) {
    const { json, checks, why } = readVerifierOptions(options)
    this.#why = why
    this.#checks = checks
    this.#native = new NativeVerifier(json ?? 'null')
  }

  /** The claims, or a coded Error thrown; no I/O. */
  verifySync(token) {
    const claims = this.#claims(token)
    const check = this.#checkOf(claims)
    const checked = check && check(this.#checkInput(token, claims))
    if (isThenable(checked)) {
      // Observed, so that its rejection cannot end the process as an unhandled one.
      observe(checked)
      throw invalidParams('customJwtCheck returned a promise: use verify() for an async check')
    }
    return claims
  }

  /** The claims; rejects with a coded Error. Loads the pool's keys when they are not known. */
  async verify(token) {
    let claims
    try {
      claims = this.#claims(token)
    } catch (err) {
      if (!this.#native.needsKeys(err.code)) throw err
      const failed = await this.#native.loadFor(token)
      if (failed) throw makeError(failed)
      claims = this.#claims(token)
    }
    const check = this.#checkOf(claims)
    if (check) await check(this.#checkInput(token, claims))
    return claims
  }

  /** Loads every pool's keys ahead of the first request. */
  async hydrate() {
    if (this.#why) throw invalidParams(this.#why)
    const failed = await this.#native.hydrate()
    if (failed) throw makeError(failed)
  }

  /** Keys given directly (a JWKS object), for one pool: the only one unless `userPoolId` says. */
  cacheJwks(jwks, userPoolId) {
    if (this.#why) throw invalidParams(this.#why)
    let json
    try {
      json = JSON.stringify(jwks)
    } catch {
      throw invalidParams('jwks could not be read as JSON')
    }
    const failed = this.#native.cacheJwks(json ?? 'null', typeof userPoolId === 'string' ? userPoolId : undefined)
    if (failed) throw makeError(failed)
  }

  #claims(token) {
    if (this.#why) throw invalidParams(this.#why)
    if (typeof token !== 'string') throw invalidParams('token must be a string')
    const payload = this.#native.verifySync(token)
    if (typeof payload !== 'string') throw makeError(payload)
    return JSON.parse(payload)
  }

  #checkOf(claims) {
    if (this.#checks.size === 0) return undefined
    const iss = String(claims.iss)
    return this.#checks.get(iss.slice(iss.lastIndexOf('/') + 1))
  }

  #checkInput(token, payload) {
    const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString())
    return { header, payload, jwk: this.#native.jwkFor(token) }
  }
}

const isThenable = (value) => value !== null && typeof value === 'object' && typeof value.then === 'function'

/** Attaches a no-op rejection handler to a thenable whose outcome no one awaits. */
function observe(thenable) {
  try {
    Promise.resolve(thenable).catch(() => {})
  } catch {
    // A thenable whose `then` throws has no rejection left to observe.
  }
}

/** A verifier of one pool's tokens (`options`) or of several pools' (an array of options). */
function createVerifier(options) {
  return new Verifier(options)
}

module.exports = { Verifier, createVerifier }
