'use strict'

// `node scripts/device-srp-vectors.js > testdata/device-srp-vectors.json`
//
// Remembered-device vectors made by amazon-cognito-identity-js itself (installed with the
// devDependency cognito-user-pool-original): its CognitoUser confirms a new device and later signs
// in with it, talking to a scripted client that records every request. The reference's random
// bytes and clock are seeded, so the file is reproducible. Recorded per case:
// - the ConfirmDevice request (`DeviceSecretVerifierConfig`: salt and verifier) for the device
//   password the reference drew;
// - the DEVICE_SRP_AUTH request (SRP_A) and the DEVICE_PASSWORD_VERIFIER answer it computed for a
//   server challenge whose B is real: B = k·v + g^b with the confirmed verifier v, and the server's
//   own key is checked to give the same signature before a case is kept.

const crypto = require('node:crypto')
const { dir, lib, derive, modPow, timestamp: claimClock, version } = require('./reference.js')

const AuthenticationHelper = lib('AuthenticationHelper.js')
const BigInteger = lib('BigInteger.js')
const CognitoUser = lib('CognitoUser.js')
const CognitoUserPool = lib('CognitoUserPool.js')
const DateHelper = lib('DateHelper.js')
const { util } = require(require.resolve('aws-sdk/global', { paths: [dir] }))

/** An unsigned token the reference can decode (it only reads the payload). */
const token = (claims) =>
  ['{"alg":"none"}', JSON.stringify(claims)].map((part) => Buffer.from(part).toString('base64url')).join('.') + '.sig'

const memoryStorage = () => {
  const items = new Map()
  return {
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => items.set(key, String(value)),
    removeItem: (key) => items.delete(key),
    clear: () => items.clear(),
  }
}

function vector({ name, covers, poolId, username, deviceKey, deviceGroupKey, salt, epochSeconds }) {
  // The reference draws: 128 bytes for each helper's `a` (the top half zero, so `a` has the
  // 512 bits this package draws), 40 for the device password, 16 for the salt.
  const draws = { 128: 0, 40: 0, 16: 0 }
  const drawn = {}
  util.crypto.lib.randomBytes = (size) => {
    const n = draws[size]++
    let bytes = derive(`${name}/${size}/${n}`, size)
    if (size === 128) bytes = Buffer.concat([Buffer.alloc(64), bytes.subarray(64)])
    if (size === 16 && salt) bytes = Buffer.from(salt, 'hex')
    ;(drawn[size] ??= []).push(bytes.toString('hex'))
    return bytes
  }
  const timestamp = claimClock(epochSeconds)
  DateHelper.prototype.getNowString = () => timestamp

  const requests = []
  const secretBlock = derive(`${name}/block`, 48).toString('base64')
  const b = new BigInteger(derive(`${name}/b`, 128).toString('hex'), 16)
  /** What the scripted server knows: the confirmed verifier and salt, then its B and v. */
  const server = {}
  const client = {
    makeUnauthenticatedRequest(operation, params, callback) {
      requests.push({ operation, params })
      if (operation === 'confirmDevice') return callback(null, { UserConfirmationNecessary: true })
      if (params.ChallengeName === 'DEVICE_SRP_AUTH') {
        const helper = new AuthenticationHelper(deviceGroupKey)
        const v = new BigInteger(Buffer.from(server.verifier, 'base64').toString('hex'), 16)
        const B = helper.k
          .multiply(v)
          .add(modPow(helper.g, b, helper.N))
          .mod(helper.N)
        server.B = B
        server.v = v
        return callback(null, {
          ChallengeName: 'DEVICE_PASSWORD_VERIFIER',
          Session: 'device-session',
          ChallengeParameters: {
            SRP_B: B.toString(16),
            SALT: Buffer.from(server.salt, 'base64').toString('hex'),
            SECRET_BLOCK: secretBlock,
          },
        })
      }
      return callback(null, { AuthenticationResult: tokens })
    },
  }
  const tokens = {
    AccessToken: token({ exp: 2000000000, token_use: 'access' }),
    IdToken: token({ exp: 2000000000, token_use: 'id' }),
    RefreshToken: 'refresh',
  }

  const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: 'client' })
  pool.client = client
  const user = new CognitoUser({ Username: username, Pool: pool, Storage: memoryStorage() })
  const fail = (err) => {
    throw err
  }

  // 1. A login answered with NewDeviceMetadata: the reference confirms the device.
  user.authenticateUserInternal(
    { AuthenticationResult: { ...tokens, NewDeviceMetadata: { DeviceKey: deviceKey, DeviceGroupKey: deviceGroupKey } } },
    new AuthenticationHelper(poolId.split('_')[1]),
    { onSuccess() {}, onFailure: fail },
  )
  const confirm = requests.find((r) => r.operation === 'confirmDevice').params
  const devicePassword = user.randomPassword
  Object.assign(server, { verifier: confirm.DeviceSecretVerifierConfig.PasswordVerifier, salt: confirm.DeviceSecretVerifierConfig.Salt })

  // 2. A later login with the remembered device.
  const before = requests.length
  user.getDeviceResponse({ onSuccess() {}, onFailure: fail })
  const [srpAuth, verifier] = requests.slice(before)
  const answers = verifier.params.ChallengeResponses

  // The server side of the device SRP must reach the same key, or the vector is no use.
  const helper = new AuthenticationHelper(deviceGroupKey)
  const A = new BigInteger(srpAuth.params.ChallengeResponses.SRP_A, 16)
  const u = new BigInteger(
    crypto
      .createHash('sha256')
      .update(Buffer.from(helper.padHex(A) + helper.padHex(server.B), 'hex'))
      .digest('hex'),
    16,
  )
  const serverS = modPow(A.multiply(modPow(server.v, u, helper.N)), b, helper.N)
  const serverKey = helper.computehkdf(Buffer.from(helper.padHex(serverS), 'hex'), Buffer.from(helper.padHex(u), 'hex'))
  const signature = crypto
    .createHmac('sha256', serverKey)
    .update(
      Buffer.concat([Buffer.from(deviceGroupKey), Buffer.from(deviceKey), Buffer.from(secretBlock, 'base64'), Buffer.from(timestamp)]),
    )
    .digest('base64')
  if (signature !== answers.PASSWORD_CLAIM_SIGNATURE) throw new Error(`${name}: the server's signature differs`)

  return {
    name,
    covers,
    input: {
      username,
      device_key: deviceKey,
      device_group_key: deviceGroupKey,
      device_password: devicePassword,
      device_password_bytes_hex: drawn[40][0],
      salt_bytes_hex: drawn[16][0],
      small_a_hex: drawn[128][1],
      srp_b_hex: server.B.toString(16),
      secret_block_b64: secretBlock,
      timestamp,
    },
    expected: {
      confirm_device: confirm.DeviceSecretVerifierConfig,
      device_srp_auth: srpAuth.params.ChallengeResponses,
      device_password_verifier: answers,
    },
  }
}

globalThis.navigator ??= { userAgent: 'device-srp-vectors' }

const cases = [
  {
    name: 'device-plain',
    covers: 'a device of a user signed in by name',
    poolId: 'us-east-1_AbCdEf123',
    username: 'alice',
    deviceKey: 'us-east-1_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
    deviceGroupKey: '-Xy9AbCdE',
    epochSeconds: 1793250000,
  },
  {
    name: 'device-salt-high-bit',
    covers: 'a salt whose top bit is set: padHex prefixes a zero byte (17 bytes in Salt)',
    poolId: 'eu-west-1_Zz9Yy8Xx7',
    username: '6f1c4e2a-0b6d-4c2e-9a57-3f0e2d1c0b9a',
    deviceKey: 'eu-west-1_aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    deviceGroupKey: 'Q1w2E3r4T',
    salt: 'f0e1d2c3b4a5968778695a4b3c2d1e0f',
    epochSeconds: 1800000000,
  },
  {
    name: 'device-salt-leading-zero',
    covers: 'a salt whose first byte is zero: it drops out (15 bytes in Salt)',
    poolId: 'ap-south-1_Q1w2E3r4T',
    username: 'bob@example.com',
    deviceKey: 'ap-south-1_01234567-89ab-cdef-0123-456789abcdef',
    deviceGroupKey: 'z',
    salt: '000102030405060708090a0b0c0d0e0f',
    epochSeconds: 1767225600,
  },
]

process.stdout.write(
  `${JSON.stringify(
    {
      description: `Remembered-device SRP vectors recorded from amazon-cognito-identity-js ${version} (CognitoUser confirming a device, then signing in with it) with seeded random bytes and clock. Regenerate: node scripts/device-srp-vectors.js`,
      vectors: cases.map(vector),
    },
    null,
    2,
  )}\n`,
)
