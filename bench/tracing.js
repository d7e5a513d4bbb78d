'use strict'

// `npm run bench:tracing` (or `node bench/tracing.js [--quick]` after `npm run build`): what
// tracing costs per call. Two workloads that make no network request, so that the figure is the
// tracing and not a server: `pool.verifyToken` (a method call, answered on the JS thread with
// the keys known: the call channel) and `verifier.verifySync` (the verify channel); each with no
// subscriber, with a diagnostics_channel subscriber whose handlers do nothing, and with
// cognito-user-pool/opentelemetry on the OpenTelemetry SDK (spans to a batch processor whose
// exporter drops them; verifications traced with `verify: true`). Each figure is one fresh
// process that warms up for WARM calls, then measures COUNT; modes alternate, ROUNDS of each;
// the table gives the median and spread (min-max) of CPU µs per call. Writes
// bench/results/tracing.json.

const dc = require('node:diagnostics_channel')
const fs = require('node:fs')
const path = require('node:path')
const { inFreshProcess, machine: describeMachine, median, spread, timed } = require('./fresh.js')

const QUICK = process.argv.includes('--quick')
const ROUNDS = QUICK ? 3 : 7
const WARM = QUICK ? 5000 : 30000
const COUNT = QUICK ? 5000 : 50000

const MODES = {
  none: 'no subscriber',
  channel: 'diagnostics_channel subscriber (empty handlers)',
  otel: 'OpenTelemetry (SDK, batch processor)',
}
const WORKLOADS = { call: 'pool.verifyToken (call channel)', verify: 'verifier.verifySync (verify channel)' }

function subscribe(mode) {
  if (mode === 'channel') {
    const noop = () => {}
    for (const name of ['call', 'verify']) {
      dc.tracingChannel(`cognito-user-pool:${name}`).subscribe({ start: noop, end: noop, asyncStart: noop, asyncEnd: noop, error: noop })
    }
  } else if (mode === 'otel') {
    const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base')
    const { MeterProvider } = require('@opentelemetry/sdk-metrics')
    const dropping = { export: (spans, done) => done({ code: 0 }), shutdown: async () => {} }
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropping)] })
    require('../lib/opentelemetry.js').instrument({ tracerProvider, meterProvider: new MeterProvider(), verify: true })
  }
}

async function worker(workload, mode) {
  const cognitoUserPool = require('..')
  const issuer = require('../lib/testing.js').createTestIssuer({ userPoolId: 'us-east-1_TraceBench1', clientId: 'bench' })
  const token = issuer.accessToken({ expiresIn: 24 * 3600 })
  let fn
  if (workload === 'call') {
    const { poolData } = await issuer.serve()
    const pool = cognitoUserPool(poolData)
    await pool.verifyToken({ token, tokenUse: 'access' }) // the keys, fetched once
    fn = () => pool.verifyToken({ token, tokenUse: 'access' })
  } else {
    const verifier = issuer.verifier({ tokenUse: 'access' })
    verifier.verifySync(token)
    fn = () => verifier.verifySync(token)
  }
  subscribe(mode)
  const result = await timed(fn, WARM, COUNT)
  process.stdout.write(`${JSON.stringify(result)}\n`)
  process.exit(0)
}

function main() {
  const runs = {}
  for (let round = 0; round < ROUNDS; round++) {
    for (const workload of Object.keys(WORKLOADS)) {
      for (const mode of Object.keys(MODES)) {
        ;(runs[`${workload}/${mode}`] ||= []).push(inFreshProcess(__filename, [workload, mode, ...(QUICK ? ['--quick'] : [])]))
      }
    }
  }
  const machine = describeMachine()
  console.log(
    `Per-call cost of tracing, ${ROUNDS} fresh processes per figure; ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}\n`,
  )
  console.log('| workload | tracing | CPU µs per call (spread) | calls/s (spread) |')
  console.log('|---|---|---|---|')
  const table = []
  for (const [key, results] of Object.entries(runs)) {
    const [workload, mode] = key.split('/')
    const cpu = results.map((r) => r.cpuMicros)
    const rate = results.map((r) => r.perSecond)
    table.push({ workload, mode, cpuMicros: median(cpu), cpuSpread: spread(cpu), perSecond: median(rate), perSecondSpread: spread(rate) })
    console.log(
      `| ${WORKLOADS[workload]} | ${MODES[mode]} | ${median(cpu).toFixed(2)} (${spread(cpu)}) | ${Math.round(median(rate))} (${spread(rate.map((r) => r / 1000))}k) |`,
    )
  }
  const out = path.join(__dirname, 'results', 'tracing.json')
  fs.writeFileSync(out, `${JSON.stringify({ machine, rounds: ROUNDS, warm: WARM, count: COUNT, table }, null, 2)}\n`)
}

if (process.argv[2] === '--worker') worker(process.argv[3], process.argv[4])
else main()
