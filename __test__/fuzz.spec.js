'use strict'

// Property-based: random values thrown at every method's params and at poolData always end in
// exactly one callback with a coded Error: no throw, no crash, no hang.

const test = require('ava')
const fc = require('fast-check')
const cognitoUserPool = require('..')

// Belt and braces: even a poolData without endpoint must not leave the machine.
process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9'

const FIELDS = [
  'username',
  'password',
  'attributes',
  'confirmationCode',
  'loginSession',
  'mfaCode',
  'newPassword',
  'idToken',
  'accessToken',
  'refreshToken',
  'enableMfa',
  'attribute',
  'phone_number',
  'oldPassword',
  'passwordResetCode',
  'mfaType',
  'clientMetadata',
  'userContext',
  'signal',
]
/** The original's 17 methods, which the registry declares first. */
const METHODS = require('../binding.js').methodNames().slice(0, 17)

// Nothing listens on port 9: whatever passes validation ends in a quick NetworkError.
const POOL_DATA = { UserPoolId: 'us-east-1_Fuzz1', ClientId: 'client1', endpoint: 'http://127.0.0.1:9', timeout: 1000 }

/** Call and resolve with every callback invocation seen within a grace period. */
function callOnce(pool, method, params) {
  return new Promise((resolve, reject) => {
    const calls = []
    try {
      pool[method](params, (err, result) => {
        calls.push({ err, result })
        if (calls.length === 1) setTimeout(() => resolve(calls), 20)
      })
    } catch (thrown) {
      reject(thrown)
    }
  })
}

const paramsArb = fc.oneof(
  fc.anything(),
  fc.dictionary(fc.constantFrom(...FIELDS), fc.anything(), { maxKeys: 8 }),
  fc.dictionary(
    fc.constantFrom(...FIELDS),
    fc.oneof(fc.string(), fc.constant(null), fc.array(fc.record({ Name: fc.anything(), Value: fc.anything() }))),
    { maxKeys: 8 },
  ),
)

test('random params: one callback, a coded Error, no throw', async (t) => {
  const pool = cognitoUserPool(POOL_DATA)
  let runs = 0
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...METHODS), paramsArb, async (method, params) => {
      runs += 1
      const calls = await callOnce(pool, method, params)
      if (calls.length !== 1) return false
      const [{ err, result }] = calls
      return err instanceof Error && typeof err.code === 'string' && err.code === err.name && result === undefined
    }),
    { numRuns: 400 },
  )
  t.is(runs, 400)
})

test('random poolData: the first call reports it, coded, through its callback', async (t) => {
  let runs = 0
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.anything().filter((v) => v === null || typeof v !== 'object'),
        // Any endpoint the fuzz makes is loopback or not a string, so no request ever leaves the machine.
        fc.record({
          UserPoolId: fc.oneof(fc.anything(), fc.constant('us-east-1_Fuzz1')),
          ClientId: fc.oneof(fc.anything(), fc.constant('client1')),
          endpoint: fc.oneof(
            fc.constant('http://127.0.0.1:9'),
            fc.anything().filter((v) => v !== undefined && v !== null && typeof v !== 'string'),
          ),
          timeout: fc.oneof(fc.anything(), fc.constant(1000)),
          AuthFlow: fc.anything(),
        }),
      ),
      fc.constantFrom(...METHODS),
      async (poolData, method) => {
        runs += 1
        let pool
        try {
          pool = cognitoUserPool(poolData)
        } catch {
          return false
        }
        const calls = await callOnce(pool, method, { username: 'u', password: 'p', accessToken: 'a.b.c' })
        return calls.length === 1 && calls[0].err instanceof Error && typeof calls[0].err.code === 'string'
      },
    ),
    { numRuns: 300 },
  )
  t.is(runs, 300)
})
