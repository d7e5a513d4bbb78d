'use strict'

// Token verification from JS: the verifier's options read (undefined refused where null is the
// explicit "no check"), its custom checks run, and its refusals made into coded Errors.

const { NativeVerifier, parseUserPoolId: poolUrls } = require('./native.js')
const { makeError } = require('./errors.js')
const { JwtInvalidClaimError, ParameterValidationError } = require('./jwt-errors.js')
const { channels, traced, tracedSync, fetchStarted, fetchesTraced } = require('./tracing.js')

/** A verifier's Errors: aws-jwt-verify's classes, and bad options or arguments its ParameterValidationError (code InvalidParameterException, 400). */
const verifierError = (fields) => makeError(fields, fields.code === 'InvalidParameterException' ? ParameterValidationError : undefined)
const parameterError = (message) => verifierError({ code: 'InvalidParameterException', message, statusCode: 400, retryable: false })

/** The options a verifier reads of each pool it accepts, besides `customJwtCheck`. */
const VERIFIER_KEYS = [
  'userPoolId',
  'issuer',
  'tokenUse',
  'clientId',
  'audience',
  'scope',
  'groups',
  'graceSeconds',
  'jwksUri',
  'jwks',
  'replicaRegions',
]
/**
 * The options that must be given, with null as the explicit "no check", for a Cognito pool and for
 * any other OIDC issuer: `undefined` (an unset environment variable, say) would otherwise accept
 * every app client's tokens, so it is refused.
 */
const NULL_TO_SKIP = { pool: ['tokenUse', 'clientId'], issuer: ['issuer', 'audience'] }
/** A verification's own options that must not be undefined: any a pool or an issuer requires. */
const CALL_REQUIRED = [...NULL_TO_SKIP.pool, 'audience']
/** Where the custom check of an issuer given as null (no `iss` checked) is kept. */
const ANY_ISSUER = Symbol('any issuer')
/** Which options must be given for `entry`: an OIDC issuer's (it names `issuer`) or a pool's. */
const requiredFor = (entry) => NULL_TO_SKIP['issuer' in entry ? 'issuer' : 'pool']

/** The options a verification may give of its own, over the verifier's (aws-jwt-verify's per-call properties). */
const CALL_KEYS = ['tokenUse', 'clientId', 'audience', 'scope', 'groups', 'graceSeconds']

/** `keys` of `entry` that it has, or why one is refused (`at` prefixes its name). */
function pick(entry, keys, at, required) {
  const picked = {}
  for (const key of keys) {
    if (!(key in entry)) continue
    if (entry[key] !== undefined) picked[key] = entry[key]
    else if (required.includes(key)) return { why: `${at}${key} is undefined: give a value, or null for no check` }
  }
  return { picked }
}

/** `includeRawJwtInErrors` as given: undefined when absent, a boolean, or why it is refused. */
function readRawJwtOption(entry, at) {
  const { includeRawJwtInErrors: include } = entry
  if (include === undefined || include === null) return {}
  if (typeof include !== 'boolean') return { why: `${at}includeRawJwtInErrors must be a boolean` }
  return { includeRawJwtInErrors: include }
}

/** A custom check as given: none, a function, or why it is refused. */
function readCustomCheck(entry, at) {
  const { customJwtCheck } = entry
  if (customJwtCheck === undefined || customJwtCheck === null) return {}
  if (typeof customJwtCheck !== 'function') return { why: `${at}customJwtCheck must be a function` }
  return { customJwtCheck }
}

/** A verification's own options: its checks as JSON for the native side, and its custom check. */
function readCallOptions(props) {
  if (props === undefined) return {}
  if (props === null || typeof props !== 'object' || Array.isArray(props)) return { why: "the verification's options must be an object" }
  const { picked, why } = pick(props, CALL_KEYS, '', CALL_REQUIRED)
  if (why) return { why }
  const custom = readCustomCheck(props, '')
  if (custom.why) return custom
  const raw = readRawJwtOption(props, '')
  if (raw.why) return raw
  try {
    return { json: JSON.stringify(picked), customJwtCheck: custom.customJwtCheck, includeRawJwtInErrors: raw.includeRawJwtInErrors }
  } catch {
    return { why: "the verification's options could not be read as JSON" }
  }
}

/** How long a JWKS fetch may take unless the verifier's `timeout` says otherwise (as natively). */
const DEFAULT_JWKS_TIMEOUT_MS = 3000

/**
 * The setting, known only inside the package, that lets a token's parts end in `=` padding: an
 * AWS load balancer's tokens have it (lib/alb-verifier.js); no other issuer's may.
 */
const PADDED = Symbol('padded parts')

/** The settings of a verifier as a whole: its JWKS fetch timeout, penalty-box wait and cache of verified tokens. */
const SETTINGS = ['timeout', 'jwksWaitSeconds', 'tokenCache']

/**
 * A verifier's options as its native side reads them, and each pool's custom check. The settings
 * come with a single pool's options, or as the second argument beside a list of pools.
 */
function readVerifierOptions(options, settings) {
  const list = Array.isArray(options) ? options : [options]
  const checks = new Map()
  const pools = []
  let includeRawJwtInErrors = false
  for (const [i, entry] of list.entries()) {
    if (entry === null || typeof entry !== 'object') return { why: "the verifier's options must be an object or an array of them" }
    const at = list.length > 1 ? `[${i}].` : ''
    const { picked, why } = pick(entry, VERIFIER_KEYS, at, requiredFor(entry))
    if (why) return { why }
    const custom = readCustomCheck(entry, at)
    if (custom.why) return custom
    if (custom.customJwtCheck) checks.set(picked.issuer === null ? ANY_ISSUER : (picked.issuer ?? picked.userPoolId), custom.customJwtCheck)
    const raw = readRawJwtOption(entry, at)
    if (raw.why) return raw
    includeRawJwtInErrors ||= raw.includeRawJwtInErrors === true
    pools.push(picked)
  }
  if (settings !== undefined && (settings === null || typeof settings !== 'object'))
    return { why: "the verifier's settings must be an object" }
  // A single pool's settings come with its options or, as aws-jwt-verify takes its jwksCache,
  // beside them.
  const given = Array.isArray(options) ? settings : { ...options, ...settings }
  const shared = Object.fromEntries(SETTINGS.filter((key) => given?.[key] !== undefined).map((key) => [key, given[key]]))
  let fetcher = given?.fetcher ?? undefined
  if (fetcher !== undefined && typeof fetcher !== 'function') return { why: 'fetcher must be a function: async (jwksUri) => jwks' }
  // aws-jwt-verify's `jwksCache` (its SimpleJwksCache, or a cache of the caller's own): what it
  // answers for a JWKS URL is what the verifier keeps, under its own window and timeout.
  const jwksCache = given?.jwksCache ?? undefined
  if (jwksCache !== undefined) {
    if (typeof jwksCache?.getJwks !== 'function') return { why: "jwksCache must have getJwks(jwksUri), as aws-jwt-verify's JwksCache" }
    if (fetcher) return { why: 'give fetcher or jwksCache, not both' }
    fetcher = (uri) => jwksCache.getJwks(uri)
  }
  try {
    // The fetcher is held to the verifier's timeout, as the built-in fetch is (an invalid one is
    // refused by every verification anyway).
    const fetchTimeout = Number.isFinite(shared.timeout) ? shared.timeout : DEFAULT_JWKS_TIMEOUT_MS
    const padded = given?.[PADDED] === true ? { allowPadding: true } : {}
    return { json: JSON.stringify({ pools, ...shared, ...padded }), checks, includeRawJwtInErrors, fetcher, fetchTimeout }
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
  #includeRawJwt
  #fetcher
  #fetchTimeout
  /** The fetches in flight through the fetcher, by JWKS URL: every verification waiting shares one. */
  #fetches = new Map()

  constructor(options, settings) {
    const { json, checks, why, includeRawJwtInErrors, fetcher, fetchTimeout } = readVerifierOptions(options, settings)
    this.#fetcher = fetcher
    this.#fetchTimeout = fetchTimeout
    this.#why = why
    this.#includeRawJwt = includeRawJwtInErrors === true
    this.#checks = checks
    this.#native = new NativeVerifier(json ?? 'null')
  }

  /**
   * The claims, or a coded Error thrown; no I/O. `props` (optional) gives this verification's
   * own `tokenUse`, `clientId`, `scope`, `groups`, `graceSeconds` or `customJwtCheck`, over the
   * verifier's, as aws-jwt-verify takes them.
   */
  verifySync(token, props) {
    if (!channels.verify.hasSubscribers) return this.#verifySync(token, props)
    const context = { sync: true }
    return tracedSync(channels.verify, context, () => described(context, this.#verifySync(token, props)))
  }

  #verifySync(token, props) {
    const call = readCallOptions(props)
    const claims = this.#claims(token, call)
    const check = call.customJwtCheck ?? this.#checkOf(claims)
    let checked
    try {
      checked = check && check(this.#checkInput(token, claims))
    } catch (err) {
      throw this.#withRawJwt(err, token, call)
    }
    if (isThenable(checked)) {
      // Observed, so that its rejection cannot end the process as an unhandled one.
      observe(checked)
      throw parameterError('customJwtCheck returned a promise: use verify() for an async check')
    }
    return claims
  }

  /** The claims; rejects with a coded Error. Loads the pool's keys when they are not known. */
  verify(token, props) {
    if (!channels.verify.hasSubscribers) return this.#verify(token, props)
    const context = { sync: false }
    return traced(channels.verify, context, async () => described(context, await this.#verify(token, props)))
  }

  async #verify(token, props) {
    const call = readCallOptions(props)
    let claims
    try {
      claims = this.#claims(token, call)
    } catch (err) {
      if (!this.#native.needsKeys(err.code)) throw err
      const failed = this.#fetcher ? await this.#fetchFor(token) : await this.#native.loadFor(token, fetchesTraced())
      if (failed) throw verifierError(failed)
      claims = this.#claims(token, call)
    }
    const check = call.customJwtCheck ?? this.#checkOf(claims)
    if (check) {
      try {
        await check(this.#checkInput(token, claims))
      } catch (err) {
        throw this.#withRawJwt(err, token, call)
      }
    }
    return claims
  }

  /** Loads every pool's keys ahead of the first request. */
  async hydrate() {
    if (this.#why) throw parameterError(this.#why)
    if (this.#fetcher) {
      await Promise.all(this.#native.unloaded().map((uri) => this.#fetch(uri)))
      return
    }
    const failed = await this.#native.hydrate(fetchesTraced())
    if (failed) throw verifierError(failed)
  }

  /**
   * The keys the token's pool needs, through the caller's fetcher, under the same window as the
   * built-in fetch: the refusal when no fetch is due and the keys do not answer, else null.
   */
  async #fetchFor(token) {
    const due = this.#native.fetchDue(token)
    if (due !== null && typeof due === 'object') return due
    if (typeof due === 'string') await this.#fetch(due, token)
    return null
  }

  /**
   * One fetch of `uri` through the fetcher at a time (for `token`'s key, or for a hydrate); its
   * answer (or its failure) is stored for every pool there.
   */
  #fetch(uri, token = null) {
    let fetching = this.#fetches.get(uri)
    if (!fetching) {
      fetching = (async () => {
        const ended = fetchStarted(channels.jwks, { jwksUri: uri, fetcher: true })
        const started = performance.now()
        let text = null
        let keys = null
        let timer
        const timedOut = new Promise((resolve) => {
          timer = setTimeout(resolve, this.#fetchTimeout, undefined)
          timer.unref()
        })
        try {
          // A fetcher that answers nothing within the timeout is a failed fetch, not a hang.
          const jwks = await Promise.race([this.#fetcher(uri), timedOut])
          if (jwks !== undefined) text = JSON.stringify(jwks) ?? null
          if (Array.isArray(jwks?.keys)) keys = jwks.keys.length
        } catch {
          // The fetcher's own error stays the caller's: the verification answers FetchError.
        } finally {
          clearTimeout(timer)
        }
        this.#native.fetched(uri, text, token)
        const failed = text === null && { code: 'FetchError', message: "The verifier's fetcher failed", statusCode: 503 }
        ended?.({ ...failed, keys, durationMs: performance.now() - started })
      })().finally(() => this.#fetches.delete(uri))
      this.#fetches.set(uri, fetching)
    }
    return fetching
  }

  /** Keys given directly (a JWKS object), for one pool: the only one unless `userPoolId` says. */
  cacheJwks(jwks, userPoolId) {
    if (this.#why) throw parameterError(this.#why)
    let json
    try {
      json = JSON.stringify(jwks)
    } catch {
      throw parameterError('jwks could not be read as JSON')
    }
    const failed = this.#native.cacheJwks(json ?? 'null', typeof userPoolId === 'string' ? userPoolId : undefined)
    if (failed) throw verifierError(failed)
  }

  #claims(token, call) {
    if (this.#why) throw parameterError(this.#why)
    if (call.why) throw parameterError(call.why)
    if (typeof token !== 'string') throw parameterError('token must be a string')
    const payload = this.#native.verifySync(token, call.json)
    if (typeof payload !== 'string') throw this.#refusal(payload, token, call)
    return JSON.parse(payload)
  }

  /** The Error of a refusal; a claim's, with `includeRawJwtInErrors`, carries the token it refused. */
  #refusal(refusal, token, call) {
    const err = verifierError(refusal)
    // The issuer is checked before the signature: only the later claim checks saw a verified token.
    return err.code === 'JwtInvalidIssuerError' ? err : this.#withRawJwt(err, token, call)
  }

  /**
   * `err` with the token's header and payload as `rawJwt` when the verification asked for them
   * and `err` is a claim's error (a custom check's own subclass included), as aws-jwt-verify does.
   */
  #withRawJwt(err, token, call) {
    if ((call.includeRawJwtInErrors ?? this.#includeRawJwt) && err instanceof JwtInvalidClaimError) {
      const [header, payload] = token.split('.', 2).map(parsePart)
      err.rawJwt = { header, payload }
    }
    return err
  }

  /** The custom check of the token's issuer: an OIDC issuer's by its URL, a pool's by its id. */
  #checkOf(claims) {
    if (this.#checks.size === 0) return undefined
    const iss = String(claims.iss)
    return this.#checks.get(iss) ?? this.#checks.get(iss.slice(iss.lastIndexOf('/') + 1)) ?? this.#checks.get(ANY_ISSUER)
  }

  #checkInput(token, payload) {
    const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString())
    return { header, payload, jwk: this.#native.jwkFor(token) }
  }
}

/** The verified token's issuer and use, for a trace (claims are no secret; the token is). */
function described(context, claims) {
  context.issuer = claims.iss
  context.tokenUse = claims.token_use
  return claims
}

/** A token's base64url JSON part, read without any `__proto__` or `constructor` key. */
const parsePart = (part) =>
  JSON.parse(Buffer.from(part, 'base64url').toString(), (key, value) => (key === '__proto__' || key === 'constructor' ? undefined : value))

const isThenable = (value) => value !== null && typeof value === 'object' && typeof value.then === 'function'

/** Attaches a no-op rejection handler to a thenable whose outcome no one awaits. */
function observe(thenable) {
  try {
    Promise.resolve(thenable).catch(() => {})
  } catch {
    // A thenable whose `then` throws has no rejection left to observe.
  }
}

/**
 * A verifier of one pool's tokens (`options`) or of several pools' (an array of options, with the
 * verifier's `settings`, `{ timeout, jwksWaitSeconds }`, beside it).
 */
function createVerifier(options, settings) {
  return new Verifier(options, settings)
}

/** A pool id's `{ issuer, jwksUri }`; a ParameterValidationError when it is not one. */
function parseUserPoolId(userPoolId) {
  const urls = typeof userPoolId === 'string' ? poolUrls(userPoolId) : null
  if (!urls) throw parameterError('Invalid Cognito User Pool ID: it must look like <region>_<id>, e.g. us-east-1_AbCdEf123')
  return urls
}

/** aws-jwt-verify's factories by their names, for code ported from it: the same verifier. */
const CognitoJwtVerifier = { create: createVerifier, parseUserPoolId }
const JwtVerifier = { create: createVerifier }

module.exports = { Verifier, createVerifier, CognitoJwtVerifier, JwtVerifier, PADDED, parameterError }
