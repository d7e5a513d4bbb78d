'use strict'

// The public face of cognito-user-pool: the original's factory and its 17 `method(params, cb)`
// methods and the ones added beyond it, over the native binding. Everything the caller sees (results,
// Errors) is made here, in the caller's realm, from the JSON the binding answers with.

const { NativePool, methodNames } = require('./binding.js')

const POOL_DATA_KEYS = ['UserPoolId', 'ClientId', 'ClientSecret', 'endpoint', 'AuthFlow', 'timeout', 'jwksUrl']

/** JSON that never throws: BigInts become strings (then refused by type), cycles make `undefined`. */
function toJson(value) {
  try {
    return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? String(v) : v))
  } catch {
    return undefined
  }
}

/** An `Error` with the fields the original's errors had: code, name, message, statusCode, ... */
function makeError({ code, message, statusCode, requestId, retryable }) {
  const err = new Error(message)
  err.code = code
  err.name = code
  if (statusCode !== undefined) err.statusCode = statusCode
  if (requestId !== undefined) err.requestId = requestId
  if (retryable !== undefined) err.retryable = retryable
  return err
}

function invalidParams(message) {
  return makeError({ code: 'InvalidParameterException', message })
}

/** Run one native call; settles with [err, result] and never rejects. */
async function run(native, method, params) {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    return [invalidParams('params must be an object')]
  }
  const json = toJson(params)
  if (json === undefined) return [invalidParams('params could not be read (circular structure?)')]
  let answer
  try {
    answer = JSON.parse(await native.call(method, json))
  } catch {
    return [makeError({ code: 'InternalErrorException', message: 'cognito-user-pool could not run the call' })]
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

  constructor(poolData) {
    let json
    try {
      if (poolData !== null && typeof poolData === 'object') {
        json = toJson(Object.fromEntries(POOL_DATA_KEYS.map((key) => [key, poolData[key]])))
      }
    } catch {
      // A getter that throws: poolData is unreadable, which the first call reports.
    }
    this.#native = new NativePool(json || 'null')
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

/** `require('cognito-user-pool')(poolData)`: never throws, never does I/O. */
function cognitoUserPool(poolData) {
  return new CognitoUserPool(poolData)
}

module.exports = cognitoUserPool
module.exports.default = cognitoUserPool
module.exports.CognitoUserPool = CognitoUserPool
