'use strict'

// What the benchmarks share: a server, a pool with its users, and one measurement in a fresh
// process (bench/worker.js).

const { execFileSync } = require('node:child_process')
const path = require('node:path')
const fakecloud = require('../scripts/fakecloud.js')
const cognitoUserPool = require('..')

/** One workload of bench/worker.js in a fresh process; `impl` is `native`, `original` or a build's directory. */
function measure(impl, workload, args) {
  const out = execFileSync(process.execPath, ['--expose-gc', path.join(__dirname, 'worker.js'), impl, workload, JSON.stringify(args)], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return JSON.parse(out.trim().split('\n').pop())
}

async function makeUsers(poolData, count) {
  const pool = cognitoUserPool(poolData)
  const users = []
  for (let i = 0; i < count; i++) {
    const username = fakecloud.unique('bench')
    const password = 'Correct-Horse-9!'
    await pool.signup({ username, password, attributes: [{ Name: 'email', Value: `${username}@example.com` }] })
    const { confirmationCode } = await fakecloud.codes(poolData.endpoint, poolData.UserPoolId, username)
    await pool.signupConfirm({ username, confirmationCode })
    const tokens = await pool.login({ username, password })
    users.push({ username, password, auth: { username, idToken: tokens.idToken, accessToken: tokens.accessToken } })
  }
  return users
}

/**
 * `body({ poolData, users, serverPriority })` against the fakecloud FAKECLOUD_URL names, else one
 * started for the run and stopped after it.
 */
async function withServer(userCount, body) {
  let server = null
  let url = process.env.FAKECLOUD_URL
  let serverPriority = 'as started by the caller (FAKECLOUD_URL)'
  if (!(url && (await fakecloud.isHealthy(url)))) {
    // In production Cognito runs on AWS's machines; on this one the emulator's own SRP work must
    // not be billed to the client as event-loop delay, so it only gets the CPU the client leaves.
    server = await fakecloud.start({ background: true })
    url = server.url
    serverPriority = 'lowest (SCHED_IDLE or nice 19): a stand-in for a remote server'
  }
  try {
    const poolData = await fakecloud.createPool(url)
    return await body({ poolData, users: await makeUsers(poolData, userCount), serverPriority })
  } finally {
    if (server) server.stop()
  }
}

module.exports = { measure, withServer }
