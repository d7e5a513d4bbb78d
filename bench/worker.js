'use strict'

// One measurement in a fresh process, so CPU, RSS and module loading of the two packages never mix.
// `node bench/worker.js <impl> <workload> <json args>` prints one JSON line; <impl> is `native`
// (this checkout), `original` (cognito-user-pool 0.2.4) or the directory of another build.

const { monitorEventLoopDelay } = require('node:perf_hooks')
const fs = require('node:fs')
const path = require('node:path')

const started = process.hrtime.bigint()
const [impl, workload, rawArgs] = process.argv.slice(2)
const args = JSON.parse(rawArgs)
const PACKAGES = { native: '..', original: 'cognito-user-pool-original' }
const factory = require(PACKAGES[impl] || path.resolve(impl))
const pool = factory(args.poolData)

const ms = (ns) => Number(ns) / 1e6
const cpuMs = (u) => (u.user + u.system) / 1000

function call(method, params) {
  return new Promise((resolve, reject) => pool[method](params, (err, res) => (err ? reject(err) : resolve(res))))
}

/** How many of a histogram's intervals exceed `ns`: a search over its exact percentiles. */
function countAbove(h, ns) {
  if (h.max <= ns) return 0
  let [low, high] = [0, 100]
  for (let i = 0; i < 40; i++) {
    const mid = (low + high) / 2
    if (h.percentile(mid) > ns) high = mid
    else low = mid
  }
  return Math.round(((100 - high) / 100) * h.count)
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

/** Run `total` calls with `concurrency` in flight; returns rate and latency percentiles. */
async function load(total, concurrency, makeCall) {
  const latencies = []
  let next = 0
  const begin = process.hrtime.bigint()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++
        const t0 = process.hrtime.bigint()
        await makeCall(i)
        latencies.push(ms(process.hrtime.bigint() - t0))
      }
    }),
  )
  const seconds = ms(process.hrtime.bigint() - begin) / 1000
  latencies.sort((a, b) => a - b)
  return { calls: total, concurrency, perSecond: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) }
}

/** Established client connections to the server's port (Linux /proc). */
function connectionsTo(port) {
  const hex = port.toString(16).toUpperCase().padStart(4, '0')
  let count = 0
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(file)) continue
    for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/)
      if (cols.length > 3 && cols[2].endsWith(`:${hex}`) && cols[3] === '01') count += 1
    }
  }
  return count
}

const users = args.users
const login = (i) => call('login', { username: users[i % users.length].username, password: users[i % users.length].password })
const profile = (i) => call('profile', users[i % users.length].auth)

const workloads = {
  async firstCall() {
    await profile(0)
    return { msToFirstCall: ms(process.hrtime.bigint() - started) }
  },
  async loginCpu() {
    // Warm-up: connections, lazy tables, and V8's optimising compiler, whose background threads
    // count as process CPU: the figure is the steady state.
    for (let i = 0; i < 10; i++) await login(i)
    const before = process.cpuUsage()
    const begin = process.hrtime.bigint()
    for (let i = 0; i < args.count; i++) await login(i)
    const cpu = cpuMs(process.cpuUsage(before))
    return { logins: args.count, cpuMsPerLogin: cpu / args.count, wallMsPerLogin: ms(process.hrtime.bigint() - begin) / args.count }
  },
  async eventLoop() {
    await login(0)
    const h = monitorEventLoopDelay({ resolution: 1 })
    h.enable()
    await Promise.all(Array.from({ length: args.concurrency }, (_, i) => login(i)))
    h.disable()
    return { concurrentLogins: args.concurrency, p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 }
  },
  /** Several rounds of eventLoop in one process, each with its own monitor (bench/ab.js). */
  async eventLoopBatches() {
    await login(0)
    const batches = []
    for (let b = 0; b < args.batches; b++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      const h = monitorEventLoopDelay({ resolution: 1 })
      h.enable()
      await Promise.all(Array.from({ length: args.concurrency }, (_, i) => login(i)))
      h.disable()
      batches.push({ p99: h.percentile(99) / 1e6, intervals: h.count, over2ms: countAbove(h, 2e6) })
    }
    return { batches }
  },
  async loginRate() {
    await login(0)
    const port = Number(new URL(args.poolData.endpoint).port)
    let maxConnections = 0
    const timer = setInterval(() => (maxConnections = Math.max(maxConnections, connectionsTo(port))), 20)
    const result = await load(args.count, args.concurrency, login)
    clearInterval(timer)
    return { ...result, maxConnections }
  },
  async profileRate() {
    await profile(0)
    const port = Number(new URL(args.poolData.endpoint).port)
    let maxConnections = 0
    const timer = setInterval(() => (maxConnections = Math.max(maxConnections, connectionsTo(port))), 20)
    const before = process.cpuUsage()
    const result = await load(args.count, args.concurrency, profile)
    const cpu = cpuMs(process.cpuUsage(before))
    clearInterval(timer)
    return { ...result, cpuMsPerCall: cpu / args.count, maxConnections }
  },
  async rss() {
    await profile(0)
    global.gc?.()
    const before = process.memoryUsage().rss
    const samples = []
    for (let done = 0; done < args.count; done += args.step) {
      await load(args.step, 16, profile)
      global.gc?.()
      samples.push(process.memoryUsage().rss / 2 ** 20)
    }
    return { calls: args.count, rssBeforeMiB: before / 2 ** 20, rssAfterMiB: process.memoryUsage().rss / 2 ** 20, samplesMiB: samples }
  },
}

workloads[workload]()
  .then((result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`)
    process.exit(0)
  })
  .catch((err) => {
    process.stderr.write(`${impl} ${workload}: ${err.code || ''} ${err.message}\n`)
    process.exit(1)
  })
