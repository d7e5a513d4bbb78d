'use strict'

// The package as a user gets it: the types compile for a TypeScript consumer (and catch misuse),
// and `npm install cognito-user-pool` in a fresh project, from a registry on loopback that serves the
// packed tarballs, brings the platform binary and works from CommonJS, ESM and TypeScript.

const test = require('ava')
const { execFile, execFileSync, spawnSync } = require('node:child_process')
const { promisify } = require('node:util')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { createPool, URL } = require('./helpers')
const { serve } = require('../scripts/local-registry.js')

const ROOT = path.join(__dirname, '..')
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
const tsc = (cwd, ...args) =>
  spawnSync(process.execPath, [TSC, '--noEmit', '--strict', '--module', 'commonjs', '--target', 'es2022', ...args], {
    cwd,
    encoding: 'utf8',
  })

test('index.d.ts: a typed consumer compiles, misuse does not', (t) => {
  const ok = tsc(ROOT, path.join(__dirname, 'types', 'consumer.ts'))
  t.is(ok.status, 0, ok.stdout)
  const bad = tsc(ROOT, path.join(__dirname, 'types', 'misuse.ts'))
  t.not(bad.status, 0)
  // A login needs a password, unless USER_AUTH is asked for (it may then choose without one).
  t.regex(bad.stdout, /misuse\.ts\(7,.*Argument of type '\{ username: string; \}' is not assignable/)
  t.regex(bad.stdout, /misuse\.ts\(9,.*'string' is not assignable to type 'number'/)
  t.regex(bad.stdout, /misuse\.ts\(10,.*not assignable to type 'AttributeEdit\[\]'/)
  t.regex(bad.stdout, /misuse\.ts\(12,.*'"MAGIC_LINK"' is not assignable to type 'FirstFactor'/)
  t.regex(bad.stdout, /misuse\.ts\(13,[\s\S]*?remembered: boolean/)
  t.regex(bad.stdout, /misuse\.ts\(17,[\s\S]*?Property 'tokenUse' is missing/)
  t.regex(bad.stdout, /misuse\.ts\(\d+,[\s\S]*?Property 'secrets' is missing/)
  t.regex(bad.stdout, /misuse\.ts\(\d+,[\s\S]*?'"redis"' is not assignable/)
  t.regex(bad.stdout, /misuse\.ts\(\d+,[\s\S]*?Property 'cloudWatchLogsRoleArn' is missing/)
  t.regex(bad.stdout, /misuse\.ts\(\d+,[\s\S]*?Property 'username' is missing/)
})

test('npm install by name from a registry brings the platform binary as an optional dependency; require, import and TypeScript work', async (t) => {
  const binary = fs.readdirSync(ROOT).find((f) => f.endsWith('.node'))
  const hostDir = binary && binary.split('.')[1]
  if (!binary || !fs.existsSync(path.join(ROOT, 'npm', hostDir))) return t.fail(`no built addon with an npm/ package (${binary})`)

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cup-pack-'))
  let registry
  try {
    const pack = (dir) =>
      path.join(
        work,
        execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop(),
      )
    const manifest = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))
    const packages = [{ manifest: manifest(ROOT), file: pack(ROOT) }]
    // Every per-platform package, as `napi prepublish` publishes them; the host's carries the binary.
    for (const dir of fs.readdirSync(path.join(ROOT, 'npm'))) {
      const copy = path.join(work, dir)
      // The metadata only: binaries that `npm run build:all` left there are not this build's.
      fs.cpSync(path.join(ROOT, 'npm', dir), copy, { recursive: true, filter: (f) => !f.endsWith('.node') })
      if (dir === hostDir) fs.copyFileSync(path.join(ROOT, binary), path.join(copy, binary))
      packages.push({ manifest: manifest(copy), file: pack(copy) })
    }
    registry = await serve(packages)

    const app = path.join(work, 'app')
    fs.mkdirSync(app)
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }))
    fs.writeFileSync(path.join(app, '.npmrc'), `registry=${registry.url}/\ncache=${path.join(work, 'npm-cache')}\n`)
    // Not execFileSync: the registry answers from this very process.
    await promisify(execFile)('npm', ['install', '--no-audit', '--no-fund', 'cognito-user-pool'], { cwd: app })
    const installed = fs.readdirSync(path.join(app, 'node_modules')).sort()
    t.deepEqual(
      installed.filter((name) => name.startsWith('cognito-user-pool')),
      ['cognito-user-pool', `cognito-user-pool-${hostDir}`],
    )
    t.deepEqual(
      fs.readdirSync(path.join(app, 'node_modules', 'cognito-user-pool')).sort(),
      ['binding.d.ts', 'binding.js', 'index.d.ts', 'index.js', 'lib', 'package.json', 'README.md'].sort(),
    )
    t.true(fs.existsSync(path.join(app, 'node_modules', `cognito-user-pool-${hostDir}`, binary)))
    // The other platforms' packages were looked up (metadata only) and skipped.
    t.false(registry.requests.some((url) => url.includes('/-/tarballs/') && url.includes('darwin')))

    const poolData = JSON.stringify(await createPool())
    const env = { ...process.env, POOL: poolData }
    const cjs = spawnSync(
      process.execPath,
      [
        '-e',
        `
      const pool = require('cognito-user-pool')(JSON.parse(process.env.POOL))
      pool.signup({ username: 'cjs-' + Date.now(), password: 'Correct-Horse-9!' }, (err, res) => console.log(err ? err.code : Object.keys(res).join()))`,
      ],
      { cwd: app, env, encoding: 'utf8' },
    )
    t.is(cjs.stdout.trim(), 'username', cjs.stderr)

    const esm = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
      import cognitoUserPool from 'cognito-user-pool'
      const err = await cognitoUserPool(JSON.parse(process.env.POOL)).login({ username: 'nobody', password: 'Wrong-Pass-1!' }).catch((e) => e)
      console.log(err instanceof Error, err.code)`,
      ],
      { cwd: app, env, encoding: 'utf8' },
    )
    t.is(esm.stdout.trim(), 'true NotAuthorizedException', esm.stderr)

    fs.writeFileSync(
      path.join(app, 'main.ts'),
      `import cognitoUserPool = require('cognito-user-pool')
const pool: cognitoUserPool.CognitoUserPool = cognitoUserPool({ UserPoolId: 'us-east-1_x', ClientId: 'c', endpoint: ${JSON.stringify(URL)} })
pool.profile({ username: 'u', accessToken: 'a.b.c' }).catch((e: cognitoUserPool.CognitoError) => e.code)
`,
    )
    const ts = tsc(app, 'main.ts')
    t.is(ts.status, 0, ts.stdout)

    // Installed without its optional dependency: require says which platform and what to do.
    fs.rmSync(path.join(app, 'node_modules', `cognito-user-pool-${hostDir}`), { recursive: true })
    const missing = spawnSync(
      process.execPath,
      ['-e', `try { require('cognito-user-pool') } catch (e) { console.log(e.code + ' ' + e.message) }`],
      { cwd: app, encoding: 'utf8' },
    )
    t.true(
      missing.stdout.startsWith(`ERR_COGNITO_USER_POOL_NO_BINARY cognito-user-pool: no native binary loaded for ${hostDir}`),
      missing.stdout,
    )
    t.regex(missing.stdout, /--omit=optional/)
  } finally {
    if (registry) await registry.close()
    fs.rmSync(work, { recursive: true, force: true })
  }
})

test('nothing the project builds or tests with reads the reference data beside the clone', (t) => {
  // A clone made anywhere has no such folder: the data it needs lives in testdata/.
  const outside = ['..', 'shared'].join('/')
  const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && !f.endsWith('.md'))
  t.true(files.length > 50)
  const readers = files.filter((f) => fs.readFileSync(path.join(ROOT, f), 'utf8').includes(outside))
  t.deepEqual(readers, [])
})
