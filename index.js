'use strict'

// The public face of cognito-user-pool: the original's factory and its 17 `method(params, cb)`
// methods and the ones added beyond it, over the native binding. Everything the caller sees (results,
// Errors) is made here, in the caller's realm, from the JSON the binding answers with.

const { NativePool, NativeVerifier, methodNames, paramNames } = loadBinding()

/** The generated loader, or an error that names this platform and says what to do. */
function loadBinding() {
  try {
    return require('./binding.js')
  } catch (cause) {
    const { platform, arch, version } = process
    const abi = { linux: process.report.getReport().header.glibcVersionRuntime ? '-gnu' : '-musl', win32: '-msvc' }
    const target = `${platform}-${arch}${abi[platform] || ''}`
    // A binary that was found but would not load (an older glibc, say) says why in its own error.
    let found = cause && cause.cause
    while (found && String(found.message).startsWith('Cannot find module')) found = found.cause
    const why = found ? ` Loading it failed: ${found.message.split('\n')[0]}.` : ''
    const err = new Error(
      `cognito-user-pool: no native binary loaded for ${target} (Node ${version}).${why} It comes as the optional ` +
        `dependency cognito-user-pool-${target}, published for linux-x64-gnu, linux-arm64-gnu (glibc 2.17 or ` +
        'later), linux-x64-musl, linux-arm64-musl, darwin-x64, darwin-arm64 and win32-x64-msvc. Install without ' +
        '--omit=optional / --no-optional; if node_modules or package-lock.json were made on another platform, ' +
        'delete both and run npm install again (npm/cli#4828). Other platforms: build from source (see the README).',
    )
    err.code = 'ERR_COGNITO_USER_POOL_NO_BINARY'
    err.cause = cause
    throw err
  }
}

const POOL_DATA_KEYS = ['UserPoolId', 'ClientId', 'ClientSecret', 'endpoint', 'AuthFlow', 'timeout', 'jwksUrl', 'clientMetadata', 'domain']

const PARAM_NAMES = paramNames()
/** The key of the marker that stands for a value JSON cannot carry; the native side refuses it by name. */
const INVALID = '\u0000invalid'
/** The key under which the names of params given as `undefined` travel: where a method needs a value or an explicit null, undefined is a mistake it refuses by name. */
const UNDEFINED = '\u0000undefined'
/** Deeper than any param a method reads (attribute lists are two levels down). */
const MAX_DEPTH = 6
/** Far more items than any list a method reads (Cognito allows some 75 attributes a user). */
const MAX_ITEMS = 1000

const invalid = (what) => ({ [INVALID]: what })

/** What `Object.prototype.toString` calls objects that are values, not param objects. */
const EXOTIC = {
  Date: 'a Date',
  Map: 'a Map',
  Set: 'a Set',
  WeakMap: 'a WeakMap',
  WeakSet: 'a WeakSet',
  RegExp: 'a RegExp',
  Promise: 'a Promise',
  Error: 'an Error',
  ArrayBuffer: 'an ArrayBuffer',
  SharedArrayBuffer: 'a SharedArrayBuffer',
  DataView: 'a DataView',
  String: 'a String object',
  Number: 'a Number object',
  Boolean: 'a Boolean object',
}

/** The properties a nested object offers: enumerable own and inherited ones, and getters of its class. */
function propertyNames(object) {
  const names = new Set()
  for (const name in object) names.add(name)
  for (let proto = Object.getPrototypeOf(object); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
      if (descriptor.get) names.add(name)
    }
  }
  return names
}

/** One value read as the original read it (getters run, inherited properties count), as JSON can carry it. */
function readValue(value, depth, seen) {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return value
    case 'number':
      return Number.isFinite(value) ? value : invalid(String(value))
    case 'bigint':
      return invalid('a BigInt')
    case 'symbol':
      return invalid('a Symbol')
    case 'function':
      return invalid('a function')
  }
  if (value === null) return null
  let pushed = false
  try {
    if (seen.includes(value)) return invalid('a circular structure')
    if (depth >= MAX_DEPTH) return invalid('nested this deeply')
    const tag = Object.prototype.toString.call(value).slice(8, -1)
    if (EXOTIC[tag] || ArrayBuffer.isView(value)) return invalid(EXOTIC[tag] || `a ${tag}`)
    pushed = seen.push(value) > 0
    if (Array.isArray(value)) {
      if (value.length > MAX_ITEMS) return invalid(`an array of more than ${MAX_ITEMS} items`)
      const items = []
      for (let i = 0; i < value.length; i++) items.push(readProperty(value, i, depth + 1, seen) ?? null)
      return items
    }
    const object = {}
    for (const name of propertyNames(value)) {
      const read = readProperty(value, name, depth + 1, seen)
      if (read !== undefined) object[name] = read
    }
    return object
  } catch {
    return invalid('a value that could not be read')
  } finally {
    if (pushed) seen.pop()
  }
}

function readProperty(object, name, depth, seen) {
  let value
  try {
    value = object[name]
  } catch {
    return invalid('read: its getter threw')
  }
  return readValue(value, depth, seen)
}

/** The params a method reads, by name, as JSON; `undefined` when `params` is not an object at all. */
function readParams(params) {
  let isArray
  try {
    isArray = Array.isArray(params)
  } catch {
    return { json: undefined, why: 'params could not be read (a revoked Proxy?)' }
  }
  if (typeof params !== 'object' || params === null || isArray) return { json: undefined, why: 'params must be an object' }
  const read = {}
  const undefinedNames = []
  for (const name of PARAM_NAMES) {
    const value = readProperty(params, name, 1, [params])
    if (value !== undefined) read[name] = value
    else if (isPresent(params, name)) undefinedNames.push(name)
  }
  if (undefinedNames.length > 0) read[UNDEFINED] = undefinedNames
  return { json: JSON.stringify(read) }
}

/** Whether `object` has a property `name` (own or inherited), even one whose value is undefined. */
function isPresent(object, name) {
  try {
    return name in object
  } catch {
    return false
  }
}

/** poolData's `onTokens(tokens, { username })`, or why it is not a function. */
function readHooks(poolData) {
  let onTokens
  try {
    onTokens = poolData !== null && typeof poolData === 'object' ? poolData.onTokens : undefined
  } catch {
    return { why: 'poolData.onTokens could not be read' }
  }
  if (onTokens === undefined || onTokens === null) return {}
  if (typeof onTokens !== 'function') return { why: 'poolData.onTokens must be a function' }
  return { onTokens }
}

/** poolData, read key by key; `'null'` when it is not an object or cannot be read. */
function readPoolData(poolData) {
  try {
    if (poolData === null || typeof poolData !== 'object') return 'null'
    return JSON.stringify(Object.fromEntries(POOL_DATA_KEYS.map((key) => [key, poolData[key]])), (_key, v) =>
      typeof v === 'bigint' ? String(v) : v,
    )
  } catch {
    // A getter that throws: poolData is unreadable, which the first call reports.
    return 'null'
  }
}

/**
 * An `Error` with the fields the original's (aws-sdk v2) errors had, all own and enumerable so
 * that `JSON.stringify(err)` and `res.send(err)` show them: code, name, message, statusCode,
 * retryable and, when the server sent one, requestId.
 */
function makeError({ code, message, statusCode, requestId, retryable }) {
  const err = new Error(message)
  Object.defineProperty(err, 'message', { value: message, enumerable: true, writable: true, configurable: true })
  err.code = code
  err.name = code
  if (statusCode !== undefined) err.statusCode = statusCode
  if (requestId !== undefined) err.requestId = requestId
  if (retryable !== undefined) err.retryable = retryable
  return err
}

function invalidParams(message) {
  return makeError({ code: 'InvalidParameterException', message, statusCode: 400, retryable: false })
}

/** The `signal` param: none, an AbortSignal (any realm's: read by shape), or why it is not one. */
function readSignal(params) {
  let signal
  try {
    signal = params.signal
  } catch {
    return { why: 'signal could not be read (its getter threw)' }
  }
  if (signal === undefined || signal === null) return {}
  if (typeof signal !== 'object' || typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function') {
    return { why: 'signal must be an AbortSignal' }
  }
  return { signal }
}

/**
 * The error of an aborted call. `mayHaveReachedCognito` says whether one of its requests had
 * already been handed to the connection: false means nothing was sent; true means the server may
 * have acted on it (a password changed, a user signed up), as with any request whose answer is lost.
 */
function abortError(signal, mayHaveReachedCognito) {
  const err = makeError({ code: 'AbortError', message: 'The call was aborted (its AbortSignal)', retryable: false })
  err.mayHaveReachedCognito = mayHaveReachedCognito
  if (signal.reason !== undefined) err.cause = signal.reason
  return err
}

const internalError = () =>
  makeError({ code: 'InternalErrorException', message: 'cognito-user-pool could not run the call', statusCode: 500, retryable: false })

/**
 * The native call's answer, or `{ aborted, mayHaveReachedCognito }` as soon as the signal fires.
 * The abort is decided on this thread: the native call sends no request from then on, and what
 * it had in flight runs to its end, so tokens a refresh obtained still reach the hook.
 */
function answerOf(pool, method, json, signal) {
  if (!signal) return pool.binding.call(method, json, 0)
  pool.lastAbortId = (pool.lastAbortId % 0xffffffff) + 1
  const id = pool.lastAbortId
  const answer = pool.binding.call(method, json, id)
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      resolve({ aborted: true, mayHaveReachedCognito: pool.binding.abort(id) })
      answer.then(
        (late) => handOver(pool, parse(late)).catch(() => {}),
        () => {},
      )
    }
    signal.addEventListener('abort', onAbort, { once: true })
    answer.then(
      (text) => {
        signal.removeEventListener('abort', onAbort)
        resolve(text)
      },
      (err) => {
        signal.removeEventListener('abort', onAbort)
        reject(err)
      },
    )
  })
}

function parse(text) {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The tokens a refresh inside the call obtained, handed to poolData's onTokens before the call settles. */
async function handOver(pool, answer) {
  if (answer && answer.refreshed && pool.onTokens) {
    await pool.onTokens(answer.refreshed.tokens, { username: answer.refreshed.username })
  }
}

/** Run one native call; settles with [err, result] and never rejects. */
async function run(pool, method, params) {
  const { json, why } = readParams(params)
  if (json === undefined) return [invalidParams(why)]
  if (pool.why) return [invalidParams(pool.why)]
  const { signal, why: badSignal } = readSignal(params)
  if (badSignal) return [invalidParams(badSignal)]
  if (signal && signal.aborted) return [abortError(signal, false)]
  let answer
  try {
    const text = await answerOf(pool, method, json, signal)
    if (text.aborted) return [abortError(signal, text.mayHaveReachedCognito)]
    answer = parse(text)
  } catch {
    return [internalError()]
  }
  if (!answer) return [internalError()]
  try {
    await handOver(pool, answer)
  } catch (err) {
    return [err]
  }
  return answer.error ? [makeError(answer.error)] : [null, answer.ok]
}

/** `method(params, callback)` as the original, or a Promise when no callback is given. */
function call(native, method, params, callback) {
  if (callback !== undefined && callback !== null && typeof callback !== 'function') {
    const err = new TypeError(`The "callback" argument of ${method} must be a function`)
    err.code = 'ERR_INVALID_ARG_TYPE'
    throw err
  }
  const settled = native
    ? run(native, method, params)
    : Promise.resolve([invalidParams(`${method} was called without its pool: call it as pool.${method}(...)`)])
  if (!callback) return settled.then(([err, result]) => (err ? Promise.reject(err) : result))
  // Outside the promise chain: an exception thrown by the callback stays an ordinary uncaught one.
  settled.then(([err, result]) => {
    process.nextTick(() => (err ? callback(err) : callback(null, result)))
  })
  return undefined
}

class CognitoUserPool {
  #native
  #poolData

  constructor(poolData) {
    this.#poolData = readPoolData(poolData)
    this.#native = { binding: new NativePool(this.#poolData), lastAbortId: 0, ...readHooks(poolData) }
  }

  /**
   * A token verifier for this pool and its app client (`clientId` defaults to poolData's,
   * `tokenUse` to null: either), with poolData's `jwksUrl` and `timeout`.
   */
  verifier(options) {
    const pool = JSON.parse(this.#poolData) || {}
    const defaults = { userPoolId: pool.UserPoolId, clientId: pool.ClientId, tokenUse: null, jwksUri: pool.jwksUrl, timeout: pool.timeout }
    return new Verifier(
      options === undefined
        ? defaults
        : options && typeof options === 'object' && !Array.isArray(options)
          ? { ...defaults, ...options }
          : options,
    )
  }

  static {
    for (const method of methodNames()) {
      const fn = {
        [method](params, callback) {
          return call(#native in Object(this) ? this.#native : null, method, params, callback)
        },
      }[method]
      Object.defineProperty(this.prototype, method, { value: fn, writable: true, configurable: true })
    }
  }
}

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

/** `require('cognito-user-pool')(poolData)`: never throws, never does I/O. */
function cognitoUserPool(poolData) {
  return new CognitoUserPool(poolData)
}

module.exports = cognitoUserPool
module.exports.default = cognitoUserPool
module.exports.CognitoUserPool = CognitoUserPool
module.exports.createVerifier = createVerifier
module.exports.Verifier = Verifier
