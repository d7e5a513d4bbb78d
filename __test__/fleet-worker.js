'use strict'

// One instance of a fleet (fleet.spec.js): the Express example app with sessions in the Redis at
// REDIS_URL, for the pool in POOL_DATA (JSON). Prints its URL once listening.

const http = require('node:http')
const { createClient } = require('redis')
const cognitoUserPool = require('..')
const { createApp } = require('../examples/sessions/express.js')

async function main() {
  const client = createClient({ url: process.env.REDIS_URL })
  client.on('error', () => {})
  await client.connect()
  const pool = cognitoUserPool(JSON.parse(process.env.POOL_DATA))
  const sessions = pool.sessions({
    secrets: [process.env.SESSION_SECRET],
    store: cognitoUserPool.redisStore(client, { prefix: process.env.PREFIX }),
    refreshMargin: Number(process.env.REFRESH_MARGIN),
  })
  const server = http.createServer(createApp({ pool, sessions }))
  server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`))
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
