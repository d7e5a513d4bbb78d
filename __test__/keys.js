'use strict'

// Keys and tokens of the tests' own, made by node:crypto, and a loopback JWKS server: what the
// verifier tests sign and serve where fakecloud's tokens cannot say what a test needs.

const crypto = require('node:crypto')
const http = require('node:http')
const { listenOnLoopback } = require('./helpers')

/** base64url of a value's JSON, or of a text given as it is (a payload no object can spell). */
const b64 = (o) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url')
const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString())
const now = () => Math.floor(Date.now() / 1000)

/** A key pair of the test's own and a signer of tokens with it (claims as an object or JSON text). */
function signer(alg, kid = `${alg}-key`, { curve = 'ed25519' } = {}) {
  const ec = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg]
  const { publicKey, privateKey } = ec
    ? crypto.generateKeyPairSync('ec', { namedCurve: ec })
    : alg === 'EdDSA'
      ? crypto.generateKeyPairSync(curve)
      : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }
  // EdDSA hashes inside the algorithm: node:crypto takes no digest for it.
  const digest = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`
  const sign = (claims, header = {}) => {
    const input = `${b64({ alg, kid, ...header })}.${b64(claims)}`
    const signature = crypto.sign(digest, Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' })
    return `${input}.${signature.toString('base64url')}`
  }
  return { jwk, sign }
}

/** A loopback JWKS server for `keys` (changeable), counting the requests it serves. */
async function jwksServer(keys) {
  const state = { keys, requests: 0, status: 200, body: null }
  const server = await listenOnLoopback(
    http.createServer((_req, res) => {
      state.requests++
      res.statusCode = state.status
      res.end(state.body ?? JSON.stringify({ keys: state.keys }))
    }),
  )
  return Object.assign(state, { url: `${server.url}/jwks.json`, close: () => server.close() })
}

module.exports = { b64, claimsOf, now, signer, jwksServer }
