'use strict'

// The public face of cognito-user-pool: the original's factory, its pool class and the token
// verifier. Each concern lives in lib/ (loading the binary, reading params, errors, a call with
// its signal and hooks, the pool, the verifier); this file only exports.

const { CognitoUserPool } = require('./lib/pool.js')
const { Verifier, createVerifier, CognitoJwtVerifier, JwtVerifier } = require('./lib/verifier.js')
const { AlbJwtVerifier } = require('./lib/alb-verifier.js')
const { memoryStore, redisStore } = require('./lib/sessions/stores.js')

/** `require('cognito-user-pool')(poolData)`: never throws, never does I/O. */
function cognitoUserPool(poolData) {
  return new CognitoUserPool(poolData)
}

module.exports = cognitoUserPool
module.exports.default = cognitoUserPool
module.exports.CognitoUserPool = CognitoUserPool
module.exports.createVerifier = createVerifier
module.exports.Verifier = Verifier
module.exports.CognitoJwtVerifier = CognitoJwtVerifier
module.exports.JwtVerifier = JwtVerifier
module.exports.AlbJwtVerifier = AlbJwtVerifier
module.exports.memoryStore = memoryStore
module.exports.redisStore = redisStore
