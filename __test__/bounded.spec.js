'use strict'

// State kept per distinct value stays bounded: pools that each have their own timeout (a Lambda
// handler passing the time it has left) share one SDK client and its connections, so 10,000 of
// them leave open descriptors and memory flat. Measured in a process of its own, against a
// Cognito-shaped server on 127.0.0.1.

const { spawn } = require('node:child_process')
const path = require('node:path')
const test = require('ava')

const child = `
  const http = require('node:http')
  const fs = require('node:fs')
  const cognitoUserPool = require(${JSON.stringify(path.join(__dirname, '..'))})
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
      res.end('{"UserConfirmed":false,"UserSub":"sub"}')
    })
  })
  const fds = () => fs.readdirSync('/proc/self/fd').length
  const rssMiB = () => Math.round(process.memoryUsage().rss / 1048576)
  server.listen(0, '127.0.0.1', async () => {
    const endpoint = 'http://127.0.0.1:' + server.address().port
    const seen = {}
    for (let i = 0; i < 10000; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) =>
        cognitoUserPool({ UserPoolId: 'us-east-1_Bounded1', ClientId: 'c', endpoint, timeout: 2000 + i + j })
          .signup({ username: 'u' + (i + j), password: 'Correct-Horse-9!' })))
      if (i + 50 === 2000 || i + 50 === 10000) {
        globalThis.gc()
        seen[i + 50] = { fds: fds(), rss: rssMiB() }
      }
    }
    console.log(JSON.stringify(seen))
    server.close()
  })
`

test('10,000 pools with distinct timeouts: open descriptors and RSS flat from the 2,000th on', async (t) => {
  const run = spawn(process.execPath, ['--expose-gc', '-e', child], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  run.stdout.on('data', (chunk) => (out += chunk))
  const status = await new Promise((resolve) => run.on('close', resolve))
  t.is(status, 0)
  const seen = JSON.parse(out)
  t.log(`after 2,000 pools: ${seen[2000].fds} fds, ${seen[2000].rss} MiB; after 10,000: ${seen[10000].fds} fds, ${seen[10000].rss} MiB`)
  t.true(seen[10000].fds - seen[2000].fds <= 5, 'descriptors')
  t.true(seen[10000].rss - seen[2000].rss <= 40, 'resident memory (MiB)')
})
