'use strict'

// What the vector scripts share: amazon-cognito-identity-js as installed with the devDependency
// cognito-user-pool-original, and the seeded inputs and formats its SRP vectors are made from.

const crypto = require('node:crypto')
const path = require('node:path')

const dir = path.dirname(
  require.resolve('amazon-cognito-identity-js/package.json', { paths: [require.resolve('cognito-user-pool-original')] }),
)

/** A module of the reference's `lib/`, e.g. `lib('AuthenticationHelper.js')`. */
const lib = (name) => require(path.join(dir, 'lib', name)).default

/** `bytes` pseudo-random bytes from `seed`, so that every vector file is reproducible. */
function derive(seed, bytes) {
  let out = Buffer.alloc(0)
  for (let i = 0; out.length < bytes; i++) out = Buffer.concat([out, crypto.createHash('sha512').update(`${seed}/${i}`).digest()])
  return out.subarray(0, bytes)
}

/** jsbn's modPow as patched by the reference answers through a (synchronous) callback. */
function modPow(base, exponent, modulus) {
  let out
  base.modPow(exponent, modulus, (err, value) => {
    if (err) throw err
    out = value
  })
  return out
}

/** The reference's claim clock at `epochSeconds`: `Tue Nov 3 05:04:03 UTC 2026` (day not padded). */
const timestamp = (epochSeconds) =>
  new Date(epochSeconds * 1000)
    .toUTCString()
    .replace(
      /^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/,
      (_, day, date, month, year, time) => `${day} ${month} ${Number(date)} ${time} UTC ${year}`,
    )

module.exports = { dir, lib, derive, modPow, timestamp, version: require(path.join(dir, 'package.json')).version }
