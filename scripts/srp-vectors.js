'use strict'

// `node scripts/srp-vectors.js > testdata/srp-short-a-vectors.json`
//
// SRP client vectors with the 512-bit `a` this package draws (testdata/srp-vectors.json has the
// reference's 1024-bit ones), computed by amazon-cognito-identity-js' own AuthenticationHelper
// (installed with the devDependency cognito-user-pool-original) with a fixed `a`. Every input is
// derived from a seed, so the file is reproducible. Each B is a real server's: B = k·v + g^b with
// v = g^x, and the server's S = (A·v^u)^b is checked equal to the client's before a vector is kept.

const crypto = require('node:crypto')
const reference = require('./reference.js')

const AuthenticationHelper = reference.lib('AuthenticationHelper.js')
const BigInteger = reference.lib('BigInteger.js')
const { modPow, version } = reference
const derive = (seed, bytes) => reference.derive(seed, bytes).toString('hex')

const sha256Hex = (hex) => crypto.createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex')

function vector({ name, covers, aHex, poolId, userId, password, epochSeconds }) {
  const poolName = poolId.split('_')[1]
  const helper = new AuthenticationHelper(poolName)
  helper.smallAValue = new BigInteger(aHex, 16)
  helper.largeAValue = null
  let A
  helper.getLargeAValue((err, value) => {
    if (err) throw err
    A = value
  })

  const saltHex = derive(`${name}/salt`, 16)
  const salt = new BigInteger(saltHex, 16)
  const x = new BigInteger(sha256Hex(helper.padHex(salt) + helper.hash(`${poolName}${userId}:${password}`)), 16)
  const v = modPow(helper.g, x, helper.N)
  const b = new BigInteger(derive(`${name}/b`, 128), 16)
  const B = helper.k
    .multiply(v)
    .add(modPow(helper.g, b, helper.N))
    .mod(helper.N)

  let key
  helper.getPasswordAuthenticationKey(userId, password, B, salt, (err, hkdf) => {
    if (err) throw err
    key = hkdf
  })
  const u = helper.UValue
  let clientS
  helper.calculateS(x, B, (err, s) => {
    if (err) throw err
    clientS = s
  })
  const serverS = modPow(A.multiply(modPow(v, u, helper.N)), b, helper.N)
  if (!serverS.equals(clientS)) throw new Error(`${name}: the server's S differs from the client's`)

  const secretBlock = Buffer.from(derive(`${name}/block`, 48), 'hex').toString('base64')
  const timestamp = reference.timestamp(epochSeconds)
  const signature = crypto
    .createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(poolName), Buffer.from(userId), Buffer.from(secretBlock, 'base64'), Buffer.from(timestamp)]))
    .digest('base64')

  return {
    name,
    covers,
    input: {
      pool_name: poolName,
      user_id_for_srp: userId,
      password,
      small_a_hex: aHex,
      srp_b_hex: B.toString(16),
      salt_hex: saltHex,
      secret_block_b64: secretBlock,
      timestamp,
    },
    expected: {
      srp_a_hex: A.toString(16),
      u_hex: helper.padHex(u),
      x_hex: helper.padHex(x),
      s_hex: helper.padHex(clientS),
      hkdf_key_hex: Buffer.from(key).toString('hex'),
      password_claim_signature_b64: signature,
    },
  }
}

const cases = [
  {
    name: 'short-a-plain',
    covers: 'a 512-bit a with its top bit set',
    aHex: `8${derive('plain/a', 64).slice(1)}`,
    poolId: 'us-east-1_AbCdEf123',
    userId: 'alice',
    password: 'Correct-Horse-9!',
    epochSeconds: 1793250000,
  },
  {
    name: 'short-a-leading-zeros',
    covers: 'an a with its top 8 bytes zero: S still gets the full 65-byte exponent',
    aHex: `${'00'.repeat(8)}${derive('zeros/a', 56)}`,
    poolId: 'eu-west-1_Zz9Yy8Xx7',
    userId: '6f1c4e2a-0b6d-4c2e-9a57-3f0e2d1c0b9a',
    password: 'pässwörd with spaces',
    epochSeconds: 1800000000,
  },
  {
    name: 'short-a-small',
    covers: 'a = 3: the smallest windows of the table',
    aHex: '03',
    poolId: 'ap-south-1_Q1w2E3r4T',
    userId: 'bob@example.com',
    password: 'x',
    epochSeconds: 1767225600,
  },
]

process.stdout.write(
  `${JSON.stringify(
    {
      description: `SRP client vectors with a short (<= 512-bit) a, computed by amazon-cognito-identity-js ${version} AuthenticationHelper with a fixed a; B is a valid server value and the server-side S was checked equal. Regenerate: node scripts/srp-vectors.js`,
      vectors: cases.map(vector),
    },
    null,
    2,
  )}\n`,
)
