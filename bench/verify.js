'use strict'

// `npm run bench:verify` (or `node bench/verify.js [--quick]` after `npm run build`): token
// verification, this package (its verifier, and the pool's verifyToken method) beside
// aws-jwt-verify in the same run, on the same RS256 token and JWKS (testdata/jwt-vectors.json: a
// 2048-bit key, as Cognito's; served on loopback for verifyToken, which loads it once). Each figure is one fresh process
// that warms its verifier up for WARM calls (V8 settles after thousands) and then measures COUNT;
// the processes of the implementations alternate, ROUNDS of each, and the table gives the median
// and the spread (min-max) of the rounds. Writes bench/results/verify.json.

const http = require('node:http')
const fs = require('node:fs')
const path = require('node:path')
const { inFreshProcess, machine: describeMachine, median, spread } = require('./fresh.js')

const QUICK = process.argv.includes('--quick')
const ROUNDS = QUICK ? 3 : 7
const WARM = QUICK ? 5000 : 30000
const COUNT = QUICK ? 10000 : 60000
const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'testdata', 'jwt-vectors.json'), 'utf8'))
const rs256 = vectors.vectors.find((v) => v.alg === 'RS256')

const IMPLS = {
  native: {
    label: 'this package',
    make() {
      const { createVerifier } = require('..')
      const verifier = createVerifier({
        userPoolId: vectors.userPoolId,
        tokenUse: 'access',
        clientId: vectors.clientId,
        jwksUri: 'http://127.0.0.1:9/unused',
      })
      verifier.cacheJwks({ keys: [rs256.jwk] })
      return verifier
    },
  },
  verifyToken: {
    label: "this package's pool.verifyToken",
    forms: ['verify'],
    async make() {
      const server = http.createServer((_req, res) => res.end(JSON.stringify({ keys: [rs256.jwk] })))
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
      server.unref()
      const pool = require('..')({
        UserPoolId: vectors.userPoolId,
        ClientId: vectors.clientId,
        jwksUrl: `http://127.0.0.1:${server.address().port}/jwks.json`,
      })
      return { verify: (token) => pool.verifyToken({ token, tokenUse: 'access' }) }
    },
  },
  'aws-jwt-verify': {
    label: `aws-jwt-verify ${JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'node_modules', 'aws-jwt-verify', 'package.json'), 'utf8')).version}`,
    make() {
      const { CognitoJwtVerifier } = require('aws-jwt-verify')
      const verifier = CognitoJwtVerifier.create({ userPoolId: vectors.userPoolId, tokenUse: 'access', clientId: vectors.clientId })
      verifier.cacheJwks({ keys: [rs256.jwk] })
      return verifier
    },
  },
}

const FORMS = [
  { id: 'verifySync', inFlight: 1 },
  { id: 'verify', inFlight: 1 },
  { id: 'verify', inFlight: 64 },
]

/** Runs `count` verifications in the given form; resolves when all are done. */
async function run(verifier, form, inFlight, count) {
  const token = rs256.token
  if (form === 'verifySync') {
    for (let i = 0; i < count; i++) verifier.verifySync(token)
    return
  }
  const lane = async (n) => {
    for (let i = 0; i < n; i++) await verifier.verify(token)
  }
  await Promise.all(Array.from({ length: inFlight }, () => lane(Math.ceil(count / inFlight))))
}

async function worker(impl, form, inFlight) {
  const verifier = await IMPLS[impl].make()
  await run(verifier, form, inFlight, WARM)
  const cpu = process.cpuUsage()
  const start = process.hrtime.bigint()
  await run(verifier, form, inFlight, COUNT)
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  const used = process.cpuUsage(cpu)
  process.stdout.write(`${JSON.stringify({ perSecond: COUNT / seconds, cpuMicros: (used.user + used.system) / COUNT })}\n`)
}

const measure = (impl, form, inFlight) => inFreshProcess(__filename, [impl, form, String(inFlight), ...(QUICK ? ['--quick'] : [])])

/** Whether an implementation has this form (verifyToken has no synchronous one). */
const takes = (impl, form) => !IMPLS[impl].forms || IMPLS[impl].forms.includes(form)

function main() {
  const runs = {}
  for (let round = 0; round < ROUNDS; round++) {
    for (const form of FORMS) {
      for (const impl of Object.keys(IMPLS).filter((name) => takes(name, form.id))) {
        const key = `${impl} ${form.id} ${form.inFlight}`
        ;(runs[key] ||= []).push(measure(impl, form.id, form.inFlight))
      }
    }
  }
  const rows = []
  for (const form of FORMS) {
    const cells = Object.keys(IMPLS).map((impl) => {
      const r = runs[`${impl} ${form.id} ${form.inFlight}`]
      if (!r) return { impl }
      const rate = r.map((x) => x.perSecond)
      const cpu = r.map((x) => x.cpuMicros)
      return { impl, perSecond: median(rate), perSecondRuns: rate, cpuMicros: median(cpu), cpuMicrosRuns: cpu }
    })
    const peer = cells.find((c) => c.impl === 'aws-jwt-verify')
    rows.push({ form: form.id, inFlight: form.inFlight, cells, speedup: cells[0].perSecond / peer.perSecond })
  }
  const machine = describeMachine()
  console.log(
    `Token verification, RS256 (2048-bit), ${ROUNDS} fresh processes per figure, ${WARM} warm-up + ${COUNT} measured calls each; ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}\n`,
  )
  console.log(
    `| form | in flight | ${Object.values(IMPLS)
      .map((i) => `${i.label}: verifications/s (spread) | CPU µs (spread)`)
      .join(' | ')} | throughput ratio |`,
  )
  console.log(
    `|---|---|${Object.keys(IMPLS)
      .map(() => '---|---|')
      .join('')}---|`,
  )
  for (const row of rows) {
    const cells = row.cells.map((c) =>
      c.perSecond === undefined
        ? '- | -'
        : `${Math.round(c.perSecond)} (${spread(c.perSecondRuns.map((x) => x / 1000))}k) | ${c.cpuMicros.toFixed(1)} (${spread(c.cpuMicrosRuns)})`,
    )
    console.log(`| ${row.form} | ${row.inFlight} | ${cells.join(' | ')} | ${row.speedup.toFixed(2)}x |`)
  }
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true })
  fs.writeFileSync(
    path.join(__dirname, 'results', 'verify.json'),
    `${JSON.stringify({ machine, quick: QUICK, rounds: ROUNDS, warm: WARM, count: COUNT, rows }, null, 2)}\n`,
  )
}

if (process.argv[2] === '--worker') {
  worker(process.argv[3], process.argv[4], Number(process.argv[5])).catch((err) => {
    console.error(err)
    process.exit(1)
  })
} else {
  main()
}
