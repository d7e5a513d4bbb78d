'use strict'

// Run by __test__/teardown.spec.js in a process of its own: the main thread loads the addon and
// makes calls, then ROUNDS workers each start a burst of calls and a verifier's JWKS fetch against a
// loopback server that holds every answer, and each worker goes away (terminate(), process.exit in
// a callback or from a timer, a throwing callback) while the server releases the whole burst at once. The process must survive
// every round, and the main thread must still make calls at the end. Prints `survived N`.

const http = require('node:http')
const path = require('node:path')
const { Worker } = require('node:worker_threads')
const cognitoUserPool = require(path.join(__dirname, '..', '..'))

const ROUNDS = Number(process.env.ROUNDS || 200)
const BURST = 16
const MODES = ['terminate', 'exit-in-callback', 'exit-from-timer', 'throwing-callback']

/** A Cognito stand-in that answers nothing until `release()`, then everything at once. */
function holdingServer() {
  let held = []
  let arrived = () => {}
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      held.push(res)
      arrived(held.length)
    })
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        whenHolding: (n) =>
          new Promise((done) => {
            arrived = (count) => count >= n && done()
            arrived(held.length)
          }),
        release() {
          const answers = held
          held = []
          for (const res of answers) {
            res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'UserNotFoundException:' })
            res.end('{"__type":"UserNotFoundException","message":"User does not exist."}')
          }
        },
        close: () => server.close(),
      }),
    )
  })
}

const WORKER = `
  const { workerData, parentPort } = require('node:worker_threads')
  const cognitoUserPool = require(workerData.pkg)
  const pool = cognitoUserPool(workerData.poolData)
  let answered = 0
  // Each answer starts new calls, one on a wrapper whose poolData is bad (its error is kept in the
  // native object), so calls are starting while the worker goes away.
  const more = () => {
    cognitoUserPool({ UserPoolId: 'not-a-pool-id', ClientId: 'c'.repeat(64) }).login({ username: 'u', password: 'p' }, more)
  }
  for (let i = 0; i < workerData.burst; i++) {
    pool.signupResend({ username: 'u' + i }, () => {
      more()
      answered += 1
      if (workerData.mode === 'exit-in-callback' && answered === 2) process.exit(0)
      if (workerData.mode === 'throwing-callback' && answered === 2) throw new Error('a callback that throws')
    })
  }
  // A verifier's key fetch in flight too (the server holds it with the rest, then refuses it).
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const iss = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Teardown1'
  const verifier = cognitoUserPool.createVerifier({ userPoolId: 'us-east-1_Teardown1', tokenUse: null, clientId: null, jwksUri: workerData.poolData.endpoint + '/jwks.json' })
  verifier.verify(b64({ alg: 'RS256', kid: 'k' }) + '.' + b64({ iss }) + '.c2ln').catch(() => {})
  // Told when the answers are being released: exit from a timer while they arrive.
  parentPort.on('message', () => setTimeout(() => process.exit(0), 0))
`

async function round(server, poolData, mode) {
  const worker = new Worker(WORKER, { eval: true, workerData: { pkg: path.join(__dirname, '..', '..'), poolData, burst: BURST, mode } })
  worker.on('error', () => {}) // the throwing callback's error, as the worker ends
  const exited = new Promise((resolve) => worker.once('exit', resolve))
  await server.whenHolding(BURST)
  if (mode === 'exit-from-timer') worker.postMessage('releasing')
  server.release()
  if (mode === 'terminate') await worker.terminate()
  await exited
  server.release() // anything a late worker sent
}

async function main() {
  const server = await holdingServer()
  const poolData = { UserPoolId: 'us-east-1_Teardown1', ClientId: 'client1', endpoint: server.url, timeout: 10_000 }
  const main = cognitoUserPool(poolData)
  const before = main.signupResend({ username: 'main' }).catch((e) => e.code)
  await server.whenHolding(1)
  server.release()
  if ((await before) !== 'UserNotFoundException') throw new Error(`main thread: ${await before}`)
  for (let i = 0; i < ROUNDS; i++) {
    const mode = MODES[i % MODES.length]
    // A round that stalls is a bug to name, not a time-out to wait for.
    const watchdog = setTimeout(() => {
      console.error(`round ${i} (${mode}) did not end within 30 s`)
      process.exit(2)
    }, 30_000)
    await round(server, poolData, mode)
    clearTimeout(watchdog)
  }
  const after = main.signupResend({ username: 'main' }).catch((e) => e.code)
  await server.whenHolding(1)
  server.release()
  if ((await after) !== 'UserNotFoundException') throw new Error(`main thread after the rounds: ${await after}`)
  server.close()
  console.log(`survived ${ROUNDS}`)
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
