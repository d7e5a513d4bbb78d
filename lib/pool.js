'use strict'

// The pool object the factory returns: the original's 17 methods and the ones added beyond it,
// each `method(params, callback)` over the one native door, and `pool.verifier()`.

const { NativePool, methodNames } = require('./native.js')
const { readHooks, readPoolData } = require('./params.js')
const { call } = require('./call.js')
const { Verifier } = require('./verifier.js')
const { Sessions } = require('./sessions/core.js')
const { paginate } = require('./paginate.js')
const { importUsers } = require('./import.js')

class CognitoUserPool {
  #native
  #poolData

  constructor(poolData) {
    this.#poolData = readPoolData(poolData)
    const userPoolId = JSON.parse(this.#poolData)?.UserPoolId
    this.#native = { binding: new NativePool(this.#poolData), lastAbortId: 0, userPoolId, ...readHooks(poolData) }
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

  /**
   * Sessions for this pool's users (see README, Sessions): sealed under `secrets`, kept in
   * `store` ('memory', 'cookie' or `redisStore(client)`), verified locally, refreshed near expiry.
   */
  sessions(options) {
    const pool = JSON.parse(this.#poolData) || {}
    return new Sessions(this, options, { timeout: pool.timeout, scope: `${pool.UserPoolId}/${pool.ClientId}` })
  }

  /**
   * Every item of a list call, page after page, as an async iterable:
   * `for await (const user of pool.paginate('listUsers', { filter, limit, signal }))`.
   */
  paginate(method, params) {
    return paginate(this, method, params)
  }

  /**
   * Users moved into the pool by a user import job, followed to its end (see README, Importing
   * users): `await pool.importUsers(users, { jobName, cloudWatchLogsRoleArn, onProgress })`.
   */
  importUsers(users, options) {
    return importUsers(this, users, options)
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

module.exports = { CognitoUserPool }
