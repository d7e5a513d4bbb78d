'use strict'

// The test server: find fakecloud (or build it once into a cache outside the clone), start it on a
// free loopback port, wait until it is healthy, and stop it by PID.

const { spawn, spawnSync } = require('node:child_process')
const fs = require('node:fs')
const http = require('node:http')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')

const VERSION = '0.51.0'
const CACHE_DIR =
  process.env.COGNITO_USER_POOL_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cognito-user-pool')
const INSTALL_ROOT = path.join(CACHE_DIR, 'fakecloud')
const CACHED_BIN = path.join(INSTALL_ROOT, 'bin', process.platform === 'win32' ? 'fakecloud.exe' : 'fakecloud')

function versionOf(bin) {
  const out = spawnSync(bin, ['--version'], { encoding: 'utf8' })
  return out.status === 0 ? out.stdout.trim() : null
}

/** The crates a cold build of fakecloud 0.51.0 compiles (counted), for the progress estimate. */
const CRATES = 657
/**
 * How far a cold build is in time when a share of its crates has started, read off a measured
 * one (2 cores, the settings below): the small crates come first, the emulated services and the
 * final link take the last half. [share of crates, share of the time].
 */
const PACE = [
  [0, 0],
  [0.14, 0.03],
  [0.41, 0.17],
  [0.71, 0.3],
  [0.82, 0.4],
  [0.87, 0.63],
  [0.93, 0.77],
  [0.997, 0.87],
  [1, 0.87],
]

/** The share of a cold build's time spent once `compiled` crates have started. */
function timeShare(compiled) {
  const share = Math.min(compiled / CRATES, 1)
  const upper = PACE.findIndex(([crates]) => crates >= share)
  const [[c0, t0], [c1, t1]] = [PACE[Math.max(upper - 1, 0)], PACE[upper]]
  return c1 === c0 ? t1 : t0 + ((share - c0) / (c1 - c0)) * (t1 - t0)
}

/**
 * `cargo install` of fakecloud, its progress shown every 30 s as crates compiled of CRATES and the
 * time left, from the time so far and PACE (cargo's own bar needs a terminal; CI logs have none);
 * cargo's other lines pass through. Run as a child (`build-with-progress`) so that
 * ensureInstalled stays synchronous.
 */
function buildWithProgress(args) {
  const started = Date.now()
  let compiled = 0
  let shown = started
  const child = spawn('cargo', args, { stdio: ['ignore', 'inherit', 'pipe'] })
  require('node:readline')
    .createInterface({ input: child.stderr })
    .on('line', (line) => {
      if (!/^\s+Compiling /.test(line)) return console.error(line)
      compiled += 1
      if (Date.now() - shown < 30_000) return
      shown = Date.now()
      const minutes = (shown - started) / 60_000
      const left = minutes / timeShare(compiled) - minutes
      console.error(`fakecloud: ${compiled} of ~${CRATES} crates in ${minutes.toFixed(1)} min; about ${Math.ceil(left)} min left`)
    })
  child.on('exit', (code) => process.exit(code ?? 1))
}

/** Path of a fakecloud 0.51.0 binary, building it with cargo the first time (about 16 minutes on 2 cores). */
function ensureInstalled({ log = console.error } = {}) {
  const candidates = [process.env.FAKECLOUD_BIN, CACHED_BIN].filter(Boolean)
  for (const bin of candidates) {
    const version = fs.existsSync(bin) && versionOf(bin)
    if (version && version.includes(VERSION)) return bin
  }
  log(`fakecloud ${VERSION} is not in ${INSTALL_ROOT}: building it once with cargo (about 16 minutes on 2 cores; later runs reuse it).`)
  fs.mkdirSync(CACHE_DIR, { recursive: true })
  const args = ['install', '--locked', 'fakecloud', '--version', VERSION, '--root', INSTALL_ROOT]
  args.push('--target-dir', path.join(CACHE_DIR, 'fakecloud-target'))
  // opt-level 1: a test server needs correct answers, not the last few percent of speed; its cold
  // build takes a third less time and the e2e suite as long (docs/performance.md, "The first run").
  const env = { ...process.env, CARGO_PROFILE_RELEASE_OPT_LEVEL: '1' }
  const result = spawnSync(process.execPath, [__filename, 'build-with-progress', ...args], { stdio: ['ignore', 'inherit', 'inherit'], env })
  if (result.status !== 0 || !fs.existsSync(CACHED_BIN)) {
    throw new Error(`could not build fakecloud ${VERSION} (cargo install exited with ${result.status})`)
  }
  // The build directory is only needed to resume an interrupted build.
  fs.rmSync(path.join(CACHE_DIR, 'fakecloud-target'), { recursive: true, force: true })
  return CACHED_BIN
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/**
 * One request to fakecloud (plain HTTP on loopback): `{ ok, status, json }`. node:http rather than
 * fetch: the smoke calls also run in the Windows Node under Wine, whose sockets refuse an option
 * that fetch's connections set (they fail as UNKNOWN there), and node:http's do not.
 */
function request(url, { method = 'GET', headers = {}, body, timeout = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, timeout }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        let json = {}
        try {
          json = JSON.parse(Buffer.concat(chunks).toString() || '{}')
        } catch {}
        resolve({ ok: res.statusCode >= 200 && res.statusCode < 300, status: res.statusCode, json })
      })
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeout} ms`)))
    req.on('error', reject)
    req.end(body)
  })
}

async function isHealthy(url) {
  try {
    return (await request(`${url}/_fakecloud/health`, { timeout: 1000 })).ok
  } catch {
    return false
  }
}

/** Start fakecloud on 127.0.0.1 and resolve once it answers its health check. */
/**
 * The command that runs fakecloud; with `background`, at the lowest CPU priority the system offers
 * (Linux SCHED_IDLE through util-linux `chrt`, else `nice -n 19`): the benchmark's stand-in for a
 * server on other machines, which gets only the CPU the measured process leaves.
 */
function command(bin, args, background) {
  if (!background || process.platform === 'win32') return [bin, args]
  for (const [wrapper, flags] of [
    ['chrt', ['--idle', '0']],
    ['nice', ['-n', '19']],
  ]) {
    const found = spawnSync(wrapper, ['--version'], { stdio: 'ignore' })
    if (found.status === 0) return [wrapper, [...flags, bin, ...args]]
  }
  return [bin, args]
}

async function start({ log = console.error, background = false } = {}) {
  const bin = ensureInstalled({ log })
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  fs.mkdirSync(CACHE_DIR, { recursive: true })
  const logFile = path.join(CACHE_DIR, `fakecloud-${port}.log`)
  const out = fs.openSync(logFile, 'w')
  const [file, args] = command(bin, ['--addr', `127.0.0.1:${port}`], background)
  const child = spawn(file, args, { stdio: ['ignore', out, out] })
  fs.closeSync(out)
  let exited = null
  child.once('exit', (code) => {
    exited = code
  })
  const stop = () => {
    if (exited === null && child.exitCode === null) child.kill('SIGTERM')
    child.unref()
    fs.rmSync(logFile, { force: true })
  }
  const deadline = Date.now() + 30_000
  while (!(await isHealthy(url))) {
    if (exited !== null || Date.now() > deadline) {
      const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : ''
      stop()
      throw new Error(`fakecloud did not become healthy at ${url}\n${tail}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return { url, pid: child.pid, stop }
}

// --- Talking to a running fakecloud: admin set-up and the codes it "sends" ---

/** One Cognito API call as an admin (fakecloud takes any or no credentials). */
async function admin(url, operation, body) {
  const res = await request(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  })
  const { json } = res
  if (!res.ok) throw new Error(`${operation}: ${res.status} ${json.__type || ''} ${json.message || ''}`)
  return json
}

const unique = (prefix) => `${prefix}-${require('node:crypto').randomBytes(5).toString('hex')}`

/** A fresh pool and app client; resolves the poolData to give the package. `flows` adds auth
 * flows to the client's (e.g. ALLOW_USER_AUTH). */
async function createPool(url, { secret = false, mfa = 'OPTIONAL', flows = [] } = {}) {
  const { UserPool } = await admin(url, 'CreateUserPool', {
    PoolName: unique('pool'),
    AutoVerifiedAttributes: ['email'],
    MfaConfiguration: mfa,
  })
  const { UserPoolClient } = await admin(url, 'CreateUserPoolClient', {
    UserPoolId: UserPool.Id,
    ClientName: unique('client'),
    GenerateSecret: secret,
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', ...flows],
  })
  return {
    UserPoolId: UserPool.Id,
    ClientId: UserPoolClient.ClientId,
    ...(secret ? { ClientSecret: UserPoolClient.ClientSecret } : {}),
    endpoint: url,
  }
}

/** The codes fakecloud holds for a user: `{ confirmationCode, attributeVerificationCodes }`. */
async function codes(url, poolId, username) {
  return (await request(`${url}/_fakecloud/cognito/confirmation-codes/${poolId}/${encodeURIComponent(username)}`)).json
}

/** The last SMS code sent to `phone`. */
async function smsCode(url, phone) {
  const { messages } = (await request(`${url}/_fakecloud/sns/sms`)).json
  const last = messages.filter((m) => m.phoneNumber === phone).pop()
  const match = last && last.message.match(/\d{6}/)
  if (!match) throw new Error(`no SMS code was sent to ${phone}`)
  return match[0]
}

module.exports = { ensureInstalled, start, isHealthy, admin, unique, createPool, codes, smsCode, freePort, CACHE_DIR, VERSION }

if (require.main === module && process.argv[2] === 'install') {
  console.log(ensureInstalled())
} else if (require.main === module && process.argv[2] === 'build-with-progress') {
  buildWithProgress(process.argv.slice(3))
}
