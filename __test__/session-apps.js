'use strict'

// The session tests' parts: the example apps served over HTTP on 127.0.0.1 by real Express,
// Fastify and a Web-standard server, Redis through both Node clients, and a browser-like client
// that keeps cookies as a browser does.

const http = require('node:http')
const { createClient } = require('redis')
const { Redis } = require('ioredis')
const cognitoUserPool = require('..')
const { listenOnLoopback } = require('./helpers')
const expressExample = require('../examples/sessions/express.js')
const fastifyExample = require('../examples/sessions/fastify.js')
const webExample = require('../examples/sessions/web.js')

const SECRET = 'a-test-secret-that-is-long-enough-0001'

/** A Node server for a `Request -> Response` handler (what Next.js, Hono and others run on). */
function webServer(handle) {
  return http.createServer(async (req, res) => {
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const body = ['GET', 'HEAD'].includes(req.method) ? undefined : Buffer.concat(chunks)
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) headers.set(name, Array.isArray(value) ? value.join(', ') : value)
    const response = await handle(new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body }))
    const out = {}
    response.headers.forEach((value, name) => name !== 'set-cookie' && (out[name] = value))
    const cookies = response.headers.getSetCookie()
    if (cookies.length) out['set-cookie'] = cookies
    res.writeHead(response.status, out)
    res.end(Buffer.from(await response.arrayBuffer()))
  })
}

/** One of the example apps on a loopback port; resolves `{ url, close }`. */
async function serve(framework, { pool, sessions }) {
  if (framework === 'express') return listenOnLoopback(http.createServer(expressExample.createApp({ pool, sessions })))
  if (framework === 'web') return listenOnLoopback(webServer(webExample.createHandler({ pool, sessions })))
  const app = fastifyExample.createApp({ pool, sessions })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { url: `http://127.0.0.1:${app.server.address().port}`, close: () => app.close() }
}

/** A Redis client of the kind named ('redis' or 'ioredis'), connected; `quit()` ends it. */
async function redisClient(kind, url) {
  if (kind === 'ioredis') {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
    client.on('error', () => {})
    await client.connect()
    return { client, quit: () => client.disconnect() }
  }
  const client = createClient({ url })
  client.on('error', () => {})
  await client.connect()
  return { client, quit: () => client.destroy?.() ?? client.disconnect() }
}

/** The store option for a kind of store: 'memory', 'cookie', 'redis' or 'ioredis' (on the Redis at `redisUrl`). */
async function storeOf(kind, redisUrl) {
  if (kind === 'memory' || kind === 'cookie') return { store: kind, quit: () => {} }
  const { client, quit } = await redisClient(kind, redisUrl)
  return { store: cognitoUserPool.redisStore(client, { prefix: `test:${Math.random().toString(36).slice(2)}:` }), client, quit }
}

/**
 * A browser's side of HTTP as the tests need it: cookies kept from Set-Cookie (Max-Age=0 deletes),
 * sent back on each request; `raw` has every Set-Cookie value seen, for their attributes.
 */
function browser(base) {
  const jar = new Map()
  const raw = []
  async function request(path, { method = 'GET', body, headers = {} } = {}) {
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
    const res = await fetch(base + path, {
      method,
      headers: { ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
      redirect: 'manual',
    })
    for (const line of res.headers.getSetCookie()) {
      raw.push(line)
      const [pair] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq)
      if (/max-age=0(;|$)/i.test(line)) jar.delete(name)
      else jar.set(name, pair.slice(eq + 1))
    }
    const text = await res.text()
    let json = null
    try {
      json = JSON.parse(text)
    } catch {}
    return { status: res.status, json, text, setCookie: res.headers.getSetCookie() }
  }
  return { request, jar, raw }
}

module.exports = { SECRET, serve, storeOf, redisClient, browser, webServer }
