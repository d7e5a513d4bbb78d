'use strict'

// The package as a user gets it: the types compile for a TypeScript consumer (and catch misuse),
// and `npm pack`ed tarballs installed into a fresh project work from CommonJS, ESM and TypeScript.

const test = require('ava')
const { execFileSync, spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { createPool, URL } = require('./helpers')

const ROOT = path.join(__dirname, '..')
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
const tsc = (cwd, ...args) => spawnSync(process.execPath, [TSC, '--noEmit', '--strict', '--module', 'commonjs', '--target', 'es2022', ...args], { cwd, encoding: 'utf8' })

test('index.d.ts: a typed consumer compiles, misuse does not', (t) => {
  const ok = tsc(ROOT, path.join(__dirname, 'types', 'consumer.ts'))
  t.is(ok.status, 0, ok.stdout)
  const bad = tsc(ROOT, path.join(__dirname, 'types', 'misuse.ts'))
  t.not(bad.status, 0)
  t.regex(bad.stdout, /misuse\.ts\(7,[^\n]*\n\s*Property 'password' is missing/)
  t.regex(bad.stdout, /misuse\.ts\(9,.*'string' is not assignable to type 'number'/)
  t.regex(bad.stdout, /misuse\.ts\(10,.*not assignable to type 'AttributeEdit\[\]'/)
})

test('npm pack, install into a fresh project, use from require, import and TypeScript', async (t) => {
  const binary = fs.readdirSync(ROOT).find((f) => f.endsWith('.node'))
  const platformDir = binary && path.join(ROOT, 'npm', binary.split('.')[1])
  if (!binary || !fs.existsSync(platformDir)) return t.fail(`no built addon with an npm/ package (${binary})`)

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cup-pack-'))
  try {
    const pack = (dir) => execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop()
    const main = pack(ROOT)
    // The per-platform package, as `napi prepublish` would fill it.
    const platformCopy = path.join(work, 'platform')
    fs.cpSync(platformDir, platformCopy, { recursive: true })
    fs.copyFileSync(path.join(ROOT, binary), path.join(platformCopy, binary))
    const native = pack(platformCopy)

    const app = path.join(work, 'app')
    fs.mkdirSync(app)
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }))
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', path.join(work, main), path.join(work, native)], { cwd: app, stdio: 'pipe' })
    t.deepEqual(fs.readdirSync(path.join(app, 'node_modules', 'cognito-user-pool')).sort(), ['binding.d.ts', 'binding.js', 'index.d.ts', 'index.js', 'package.json', 'README.md'].sort())

    const poolData = JSON.stringify(await createPool())
    const env = { ...process.env, POOL: poolData }
    const cjs = spawnSync(process.execPath, ['-e', `
      const pool = require('cognito-user-pool')(JSON.parse(process.env.POOL))
      pool.signup({ username: 'cjs-' + Date.now(), password: 'Correct-Horse-9!' }, (err, res) => console.log(err ? err.code : Object.keys(res).join()))`], { cwd: app, env, encoding: 'utf8' })
    t.is(cjs.stdout.trim(), 'username', cjs.stderr)

    const esm = spawnSync(process.execPath, ['--input-type=module', '-e', `
      import cognitoUserPool from 'cognito-user-pool'
      const err = await cognitoUserPool(JSON.parse(process.env.POOL)).login({ username: 'nobody', password: 'Wrong-Pass-1!' }).catch((e) => e)
      console.log(err instanceof Error, err.code)`], { cwd: app, env, encoding: 'utf8' })
    t.is(esm.stdout.trim(), 'true NotAuthorizedException', esm.stderr)

    fs.writeFileSync(path.join(app, 'main.ts'), `import cognitoUserPool = require('cognito-user-pool')
const pool: cognitoUserPool.CognitoUserPool = cognitoUserPool({ UserPoolId: 'us-east-1_x', ClientId: 'c', endpoint: ${JSON.stringify(URL)} })
pool.profile({ username: 'u', accessToken: 'a.b.c' }).catch((e: cognitoUserPool.CognitoError) => e.code)
`)
    const ts = tsc(app, 'main.ts')
    t.is(ts.status, 0, ts.stdout)
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
})
