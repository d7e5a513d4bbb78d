'use strict'

// Load: 1,000 concurrent calls mixed across methods against fakecloud. Every callback runs exactly
// once and every result belongs to the user who asked (no cross-over between users).

const test = require('ava')
const cognitoUserPool = require('..')
const { createPool, loggedInUser } = require('./helpers')

test("1,000 concurrent mixed calls: each callback once, each result the caller's own", async (t) => {
  const poolData = await createPool()
  // What is checked is correctness under load; a busy machine may take longer than the default
  // whole-call deadline to serve 1,000 calls at once.
  const pool = cognitoUserPool({ ...poolData, timeout: 60_000 })
  const users = await Promise.all(Array.from({ length: 20 }, () => loggedInUser(poolData)))

  const plans = Array.from({ length: 1000 }, (_, i) => {
    const user = users[i % users.length]
    const kind = ['profile', 'getMfa', 'login', 'refreshProfile', 'badParams'][i % 5]
    return { user, kind }
  })
  const counts = Array.from(plans, () => 0)
  const outcomes = await Promise.all(
    plans.map(
      ({ user, kind }, i) =>
        new Promise((resolve) => {
          const cb = (err, result) => {
            counts[i] += 1
            // Resolve a little later so a second invocation would still be counted.
            if (counts[i] === 1) setTimeout(() => resolve({ err, result }), 10)
          }
          if (kind === 'profile') pool.profile(user.auth, cb)
          else if (kind === 'getMfa') pool.getMfa(user.auth, cb)
          else if (kind === 'login') pool.login({ username: user.username, password: user.password }, cb)
          else if (kind === 'refreshProfile') pool.profile({ username: user.username, refreshToken: user.tokens.refreshToken }, cb)
          else pool.profileEdit({ ...user.auth, attributes: [null] }, cb) // an item that is no { Name, Value }
        }),
    ),
  )

  t.true(
    counts.every((c) => c === 1),
    'every callback exactly once',
  )
  const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString())
  outcomes.forEach(({ err, result }, i) => {
    const { user, kind } = plans[i]
    if (kind === 'badParams') {
      t.is(err && err.code, 'InvalidParameterException')
      return
    }
    t.is(err, null, `${kind}: ${err && err.message}`)
    if (kind === 'profile' || kind === 'refreshProfile') t.is(result.find((a) => a.Name === 'email').Value, user.email)
    if (kind === 'getMfa') t.is(result, null)
    if (kind === 'login') t.is(claims(result.idToken)['cognito:username'], user.username)
  })
})
