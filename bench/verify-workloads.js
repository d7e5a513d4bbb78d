'use strict'

// `npm run bench:workloads` (or `node bench/verify-workloads.js [--quick]` after `npm run build`):
// token verification on the workloads a backend sees, this package beside aws-jwt-verify and
// fast-jwt (with and without their caches) in one run:
// - first-seen RS256 and ES256: every verification a token never seen before (no cache can help);
// - a mix of 1,000 users: each token reused for many requests, as a backend sees a token for the
//   hour it lives (1,000 distinct tokens, picked in a fixed shuffled order).
// Tokens carry Cognito's claims (iss, token_use, client_id, exp) and are signed once, in this
// process, by keys made here; each figure is one fresh process that warms up for WARM
// verifications, then measures COUNT; the implementations alternate, ROUNDS of each; the table
// gives the median and spread (min-max) of CPU µs per verification and verifications/s. fast-jwt
// checks the signature, `iss` and `exp` only (no token_use or client_id): it does less work.
// Writes bench/results/verify-workloads.json.

const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { inFreshProcess, machine: describeMachine, median, spread, timed } = require('./fresh.js')

const QUICK = process.argv.includes('--quick')
const ROUNDS = QUICK ? 3 : 7
const WARM = QUICK ? 2000 : 20000
const COUNT = QUICK ? 3000 : 30000
/** First-seen workloads need a token per verification; signing that many is slow, so fewer. */
const FIRST_SEEN = QUICK ? 1500 : 6000
const USERS = 1000
const POOL = 'us-east-1_Bench1'
const ISS = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`
const CLIENT = 'bench-client'
const TOKENS_FILE = path.join(os.tmpdir(), `cognito-user-pool-bench-tokens-${process.pid}.json`)

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** Keys, their JWKs and PEMs, and the tokens of every workload, made once for the whole run. */
function makeTokens() {
  const keys = {}
  for (const [alg, kind, options] of [
    ['RS256', 'rsa', { modulusLength: 2048 }],
    ['ES256', 'ec', { namedCurve: 'P-256' }],
  ]) {
    const { publicKey, privateKey } = crypto.generateKeyPairSync(kind, options)
    const kid = `${alg}-bench`
    const sign = (n) => {
      const input = `${b64({ alg, kid })}.${b64({ iss: ISS, token_use: 'access', client_id: CLIENT, sub: `user-${n}`, scope: 'aws.cognito.signin.user.admin', exp: Math.floor(Date.now() / 1000) + 3 * 3600, jti: crypto.randomUUID() })}`
      const signature = crypto.sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' })
      return `${input}.${signature.toString('base64url')}`
    }
    keys[alg] = {
      jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' },
      pem: publicKey.export({ format: 'pem', type: 'spki' }),
      firstSeen: Array.from({ length: FIRST_SEEN * 2 }, (_, n) => sign(n)),
      users: Array.from({ length: USERS }, (_, n) => sign(n)),
    }
  }
  return keys
}

const WORKLOADS = {
  'first-seen RS256': { alg: 'RS256', pick: (keys, i) => keys.firstSeen[i], count: FIRST_SEEN, warm: FIRST_SEEN },
  'first-seen ES256': { alg: 'ES256', pick: (keys, i) => keys.firstSeen[i], count: FIRST_SEEN, warm: FIRST_SEEN },
  // A fixed shuffle (a multiplier coprime with USERS) so that no implementation sees a pattern.
  'mix of 1,000 users (RS256)': { alg: 'RS256', pick: (keys, i) => keys.users[(i * 7919) % USERS], count: COUNT, warm: WARM },
}

const IMPLS = {
  native: {
    label: 'this package',
    make: (key) => nativeVerifier(key, false),
  },
  'native-cache': {
    label: 'this package, tokenCache',
    make: (key) => nativeVerifier(key, true),
  },
  'aws-jwt-verify': {
    label: 'aws-jwt-verify',
    make(key) {
      const { CognitoJwtVerifier } = require('aws-jwt-verify')
      const verifier = CognitoJwtVerifier.create({ userPoolId: POOL, tokenUse: 'access', clientId: CLIENT })
      verifier.cacheJwks({ keys: [key.jwk] })
      return (token) => verifier.verifySync(token)
    },
  },
  'fast-jwt': {
    label: 'fast-jwt',
    make: (key) => fastJwt(key, false),
  },
  'fast-jwt-cache': {
    label: 'fast-jwt, cache',
    make: (key) => fastJwt(key, true),
  },
}

function nativeVerifier(key, tokenCache) {
  const { createVerifier } = require('..')
  const verifier = createVerifier({ userPoolId: POOL, tokenUse: 'access', clientId: CLIENT, jwks: { keys: [key.jwk] }, tokenCache })
  return (token) => verifier.verifySync(token)
}

function fastJwt(key, cache) {
  const { createVerifier } = require('fast-jwt')
  const verify = createVerifier({ key: key.pem, algorithms: [key.jwk.alg], allowedIss: ISS, cache: cache ? USERS * 2 : false })
  return (token) => verify(token)
}

async function worker(impl, workload) {
  const keys = JSON.parse(fs.readFileSync(process.env.BENCH_TOKENS, 'utf8'))
  const { alg, pick, count, warm } = WORKLOADS[workload]
  const verify = IMPLS[impl].make(keys[alg])
  // Every token of the run verifies, so a failure is a bench bug, not a figure.
  const result = await timed((i) => verify(pick(keys[alg], i)), warm, count)
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

function main() {
  fs.writeFileSync(TOKENS_FILE, JSON.stringify(makeTokens()))
  process.env.BENCH_TOKENS = TOKENS_FILE
  try {
    const runs = {}
    for (let round = 0; round < ROUNDS; round++) {
      for (const workload of Object.keys(WORKLOADS)) {
        for (const impl of Object.keys(IMPLS)) {
          ;(runs[`${workload}|${impl}`] ||= []).push(inFreshProcess(__filename, [impl, workload, ...(QUICK ? ['--quick'] : [])]))
        }
      }
    }
    const machine = describeMachine()
    console.log(
      `Token verification by workload (verifySync), ${ROUNDS} fresh processes per figure; ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}\n`,
    )
    console.log(
      `| workload | ${Object.values(IMPLS)
        .map((i) => `${i.label}: CPU µs (spread) | verifications/s`)
        .join(' | ')} |`,
    )
    console.log(
      `|---|${Object.keys(IMPLS)
        .map(() => '---|---|')
        .join('')}`,
    )
    const rows = []
    for (const workload of Object.keys(WORKLOADS)) {
      const cells = Object.keys(IMPLS).map((impl) => {
        const r = runs[`${workload}|${impl}`]
        const cpu = r.map((x) => x.cpuMicros)
        const rate = r.map((x) => x.perSecond)
        return { impl, cpuMicros: median(cpu), cpuMicrosRuns: cpu, perSecond: median(rate), perSecondRuns: rate }
      })
      rows.push({ workload, cells })
      console.log(
        `| ${workload} | ${cells.map((c) => `${c.cpuMicros.toFixed(1)} (${spread(c.cpuMicrosRuns)}) | ${Math.round(c.perSecond)}`).join(' | ')} |`,
      )
    }
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true })
    fs.writeFileSync(
      path.join(__dirname, 'results', 'verify-workloads.json'),
      `${JSON.stringify({ machine, quick: QUICK, rounds: ROUNDS, warm: WARM, count: COUNT, firstSeen: FIRST_SEEN, rows }, null, 2)}\n`,
    )
  } finally {
    fs.rmSync(TOKENS_FILE, { force: true })
  }
}

if (process.argv[2] === '--worker') {
  worker(process.argv[3], process.argv[4]).catch((err) => {
    console.error(err)
    process.exit(1)
  })
} else {
  main()
}
