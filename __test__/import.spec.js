'use strict'

// User import jobs end to end. The six job calls run against fakecloud as they are. fakecloud
// keeps jobs but imports nothing (its pre-signed URL names an S3 host that does not exist, its
// jobs stay InProgress, its CSV header lacks Cognito's cognito:username and cognito:mfa_enabled
// columns), so for `importUsers` a loopback stand-in plays the part of Cognito that fakecloud
// lacks, from Cognito's documented shapes: it completes the header, receives the upload, imports
// the uploaded CSV row by row into fakecloud with AdminCreateUser (parsed by csv-parse, a real CSV
// reader), and reports its counts through DescribeUserImportJob. Every other request goes to
// fakecloud unchanged. What the users end up as is read back from fakecloud.

const http = require('node:http')
const test = require('ava')
const { parse } = require('csv-parse/sync')
const cognitoUserPool = require('..')
const { admin, createPool, listenOnLoopback, recordingProxy, unique, URL: FAKECLOUD } = require('./helpers')

const ROLE = 'arn:aws:iam::123456789012:role/CognitoUserImport'
const target = (req) =>
  String(req.headers['x-amz-target'] || '')
    .split('.')
    .pop()

/** fakecloud's answer to a request, as `{ status, headers, json }`. */
function forward(req, body) {
  const upstream = new globalThis.URL(FAKECLOUD)
  return new Promise((resolve, reject) => {
    const out = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks = []
        answer.on('data', (c) => chunks.push(c))
        answer.on('end', () =>
          resolve({ status: answer.statusCode, headers: answer.headers, json: JSON.parse(Buffer.concat(chunks).toString() || '{}') }),
        )
      },
    )
    out.on('error', reject)
    out.end(body)
  })
}

/**
 * The stand-in: `operations` lists what reached it, `uploads` each upload's headers and CSV;
 * `uploadStatus` answers uploads with another status, `presignedUrl(jobId)` chooses the URL
 * handed out, `endAs` ends the job with another status.
 */
async function importStandIn(poolId) {
  const state = { operations: [], uploads: [], uploadStatus: 200, presignedUrl: null, endAs: 'Succeeded', jobs: new Map() }
  const standIn = { url: '' }
  async function runImport(job) {
    const rows = parse(job.csv, { columns: true })
    for (let i = 0; i < rows.length; i += 25) {
      await Promise.all(
        rows.slice(i, i + 25).map(async (row) => {
          const attributes = Object.entries(row)
            .filter(([name, value]) => value !== '' && !name.startsWith('cognito:'))
            .map(([Name, Value]) => ({ Name, Value: Value === 'TRUE' ? 'true' : Value === 'FALSE' ? 'false' : Value }))
          try {
            await admin('AdminCreateUser', {
              UserPoolId: poolId,
              Username: row['cognito:username'],
              MessageAction: 'SUPPRESS',
              UserAttributes: attributes,
            })
            job.imported += 1
          } catch {
            job.failed += 1
          }
        }),
      )
    }
    job.status = job.failed > 0 && state.endAs === 'Succeeded' ? 'Failed' : state.endAs
  }
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', async () => {
      const body = Buffer.concat(chunks)
      const send = (status, json) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' })
        res.end(JSON.stringify(json))
      }
      if (req.method === 'PUT') {
        const jobId = req.url.split('/')[2]
        state.operations.push('upload')
        state.uploads.push({ headers: req.headers, csv: body.toString() })
        if (state.uploadStatus === 200) state.jobs.set(jobId, { csv: body.toString(), imported: 0, failed: 0, status: 'Created' })
        res.writeHead(state.uploadStatus)
        return res.end()
      }
      const operation = target(req)
      state.operations.push(operation)
      const answer = await forward(req, body)
      const job = answer.json.UserImportJob
      if (operation === 'GetCSVHeader' && answer.status === 200) {
        answer.json.CSVHeader = [...answer.json.CSVHeader.filter((c) => c !== 'sub'), 'cognito:mfa_enabled', 'cognito:username']
      } else if (operation === 'CreateUserImportJob' && job) {
        job.PreSignedUrl = state.presignedUrl
          ? state.presignedUrl(job.JobId)
          : `${standIn.url}/upload/${job.JobId}/users.csv?X-Amz-Signature=abc`
      } else if (operation === 'StartUserImportJob' && job && state.jobs.has(job.JobId)) {
        const run = state.jobs.get(job.JobId)
        run.status = 'InProgress'
        run.done = runImport(run)
      }
      const run = job && state.jobs.get(job.JobId)
      if (run && operation !== 'CreateUserImportJob') {
        Object.assign(job, { Status: run.status, ImportedUsers: run.imported, FailedUsers: run.failed, SkippedUsers: 0 })
        if (run.status !== 'InProgress') job.CompletionMessage = `${run.imported} imported, ${run.failed} failed`
      }
      send(answer.status, answer.json)
    })
  })
  const listening = await listenOnLoopback(server)
  standIn.url = listening.url
  return Object.assign(state, listening)
}

test.before(async (t) => {
  t.context.poolData = await createPool()
  t.context.pool = cognitoUserPool(t.context.poolData)
})

function withStandIn(t) {
  return importStandIn(t.context.poolData.UserPoolId).then((standIn) => {
    t.teardown(() => standIn.close())
    return { standIn, pool: cognitoUserPool({ ...t.context.poolData, endpoint: standIn.url }) }
  })
}

test('importUsers moves 1,000 users into the pool, reporting progress until the job succeeds', async (t) => {
  const { standIn, pool } = await withStandIn(t)
  const tag = unique('imp')
  const users = Array.from({ length: 1000 }, (_, i) => ({
    username: `${tag}-${i}`,
    attributes: { email: `${tag}-${i}@example.com`, email_verified: true, name: i === 7 ? 'O"Brien, Jr.\nthe second' : `User ${i}` },
    mfaEnabled: false,
  }))
  const progress = []
  // An async iterable, as a database cursor would give them.
  async function* cursor() {
    yield* users
  }
  const job = await pool.importUsers(cursor(), {
    jobName: 'from-legacy',
    cloudWatchLogsRoleArn: ROLE,
    pollInterval: 20,
    onProgress: (j) => progress.push(j),
  })

  t.is(job.status, 'Succeeded')
  t.is(job.importedUsers, 1000)
  t.is(job.failedUsers, 0)
  t.regex(job.jobId, /^import-/)
  t.is(job.preSignedUrl, undefined)
  // Progress: first the started job, counts that only grow, the last one the end.
  t.true(progress.length >= 3, `${progress.length} reports`)
  t.is(progress[0].status, 'InProgress')
  t.true(
    progress.some((p) => p.importedUsers > 0 && p.importedUsers < 1000),
    'a report mid-way',
  )
  for (let i = 1; i < progress.length; i += 1) t.true(progress[i].importedUsers >= progress[i - 1].importedUsers)
  t.deepEqual(progress.at(-1), job)
  t.false(progress.some((p) => 'preSignedUrl' in p))
  // The wire: header, job, upload (encrypted at rest, one CSV), start, then polls.
  t.deepEqual(standIn.operations.slice(0, 4), ['GetCSVHeader', 'CreateUserImportJob', 'upload', 'StartUserImportJob'])
  t.true(standIn.operations.slice(4).every((o) => o === 'DescribeUserImportJob'))
  t.is(standIn.uploads.length, 1)
  t.is(standIn.uploads[0].headers['x-amz-server-side-encryption'], 'aws:kms')
  t.is(standIn.uploads[0].headers['content-type'], 'text/csv')
  // What fakecloud now holds, read back page by page.
  const imported = new Map()
  for await (const user of cognitoUserPool(t.context.poolData).paginate('listUsers', { filter: `username ^= "${tag}-"`, limit: 60 })) {
    imported.set(user.username, user)
  }
  t.is(imported.size, 1000)
  const seventh = Object.fromEntries(imported.get(`${tag}-7`).attributes.map((a) => [a.Name, a.Value]))
  t.is(seventh.name, 'O"Brien, Jr.\nthe second')
  t.is(seventh.email, `${tag}-7@example.com`)
  t.is(seventh.email_verified, 'true')
  // The job is listed, across pages too.
  const listed = []
  for await (const j of t.context.pool.paginate('listUserImportJobs', { limit: 1 })) listed.push(j.jobId)
  t.true(listed.includes(job.jobId))
})

test('bad users and options are refused by name before any request, never echoing a value', async (t) => {
  const proxy = await recordingProxy()
  t.teardown(() => proxy.close())
  const pool = cognitoUserPool({ ...t.context.poolData, endpoint: proxy.url })
  const good = { jobName: 'j', cloudWatchLogsRoleArn: ROLE }
  const cases = [
    [undefined, good, 'users must be an array'],
    ['alice', good, 'users must be an array'],
    [[], good, 'users is empty'],
    [[{ username: 'a' }, { username: 'a' }], good, "users[1].username repeats an earlier record's"],
    [[{ username: '' }], good, 'users[0].username is required'],
    [[{ username: 'a', password: 'Hunter-2-secret' }], good, 'users[0] has password'],
    [[{ username: 'a', mfaEnabled: 'yes' }], good, 'users[0].mfaEnabled must be a boolean'],
    [[{ username: 'a', attributes: { email: ['x'] } }], good, 'users[0].attributes.email must be'],
    [[{ username: 'a' }], { cloudWatchLogsRoleArn: ROLE }, 'jobName is required'],
    [[{ username: 'a' }], { ...good, signal: undefined }, 'signal is undefined'],
    [[{ username: 'a' }], { ...good, signal: { aborted: false } }, 'signal must be an AbortSignal'],
    [[{ username: 'a' }], { ...good, onProgress: 'log' }, 'onProgress must be a function'],
    [[{ username: 'a' }], { ...good, pollInterval: 0 }, 'pollInterval must be a positive'],
    [[{ username: 'a' }], { ...good, retries: 3 }, 'importUsers does not take retries'],
    [[{ username: 'a' }], null, 'options must be an object'],
  ]
  for (const [users, options, message] of cases) {
    const err = await t.throwsAsync(pool.importUsers(users, options))
    t.is(err.code, 'InvalidParameterException', message)
    t.is(err.statusCode, 400)
    t.true(err.message.includes(message), err.message)
    t.false(err.message.includes('Hunter-2-secret'))
  }
  const throwing = {
    *[Symbol.iterator]() {
      yield { username: 'a' }
      throw new Error('cursor broke')
    },
  }
  t.is((await t.throwsAsync(pool.importUsers(throwing, good))).code, 'InvalidParameterException')
  t.deepEqual(proxy.operations, [])
})

test('a record naming a column the pool lacks costs no job: refused after the header, before CreateUserImportJob', async (t) => {
  const { standIn, pool } = await withStandIn(t)
  const err = await t.throwsAsync(
    pool.importUsers([{ username: unique('u'), attributes: { 'custom:plan': 'gold-secret' } }], {
      jobName: 'j',
      cloudWatchLogsRoleArn: ROLE,
    }),
  )
  t.is(err.code, 'InvalidParameterException')
  t.true(err.message.includes("users[0].attributes.custom:plan is not a column of the pool's CSV header"))
  t.false(err.message.includes('gold-secret'))
  t.is(err.jobId, undefined)
  t.deepEqual(standIn.operations, ['GetCSVHeader'])
})

test("fakecloud's own header (no cognito:username column) is refused before a job is made", async (t) => {
  const proxy = await recordingProxy()
  t.teardown(() => proxy.close())
  const pool = cognitoUserPool({ ...t.context.poolData, endpoint: proxy.url })
  const err = await t.throwsAsync(pool.importUsers([{ username: 'a' }], { jobName: 'j', cloudWatchLogsRoleArn: ROLE }))
  t.is(err.code, 'UnexpectedResponse')
  t.is(err.statusCode, 502)
  t.deepEqual(proxy.operations, ['GetCSVHeader'])
})

test('an upload the storage refuses, or a URL that is not https, ends the import before the job starts, with the jobId', async (t) => {
  const { standIn, pool } = await withStandIn(t)
  standIn.uploadStatus = 403
  let err = await t.throwsAsync(pool.importUsers([{ username: unique('u') }], { jobName: 'j', cloudWatchLogsRoleArn: ROLE }))
  t.is(err.code, 'UserImportUploadFailed')
  t.is(err.statusCode, 403)
  t.regex(err.jobId, /^import-/)
  t.deepEqual(standIn.operations, ['GetCSVHeader', 'CreateUserImportJob', 'upload'])

  standIn.operations.length = 0
  standIn.uploadStatus = 200
  standIn.presignedUrl = (jobId) => `http://uploads.example.com/${jobId}/users.csv`
  err = await t.throwsAsync(
    pool.importUsers([{ username: unique('u'), attributes: { email: 'a@example.com' } }], { jobName: 'j', cloudWatchLogsRoleArn: ROLE }),
  )
  t.is(err.code, 'UnexpectedResponse')
  t.regex(err.jobId, /^import-/)
  t.deepEqual(standIn.operations, ['GetCSVHeader', 'CreateUserImportJob'])
})

test('a job that ends other than Succeeded rejects with UserImportJobFailed and the job', async (t) => {
  const { standIn, pool } = await withStandIn(t)
  standIn.endAs = 'Failed'
  const err = await t.throwsAsync(
    pool.importUsers([{ username: unique('u') }, { username: unique('u') }], {
      jobName: 'j',
      cloudWatchLogsRoleArn: ROLE,
      pollInterval: 10,
    }),
  )
  t.is(err.code, 'UserImportJobFailed')
  t.is(err.statusCode, 500)
  t.is(err.job.status, 'Failed')
  t.is(err.job.importedUsers, 2)
  t.is(err.jobId, err.job.jobId)
  t.true(err.message.includes('2 imported, 0 failed'))
})

test('an abort while the job runs stops the waiting with the jobId (the job may go on), and no poll follows it', async (t) => {
  const { standIn, pool } = await withStandIn(t)
  const controller = new AbortController()
  const users = Array.from({ length: 300 }, () => ({ username: unique('u') }))
  const err = await t.throwsAsync(
    pool.importUsers(users, {
      jobName: 'j',
      cloudWatchLogsRoleArn: ROLE,
      pollInterval: 60_000,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    }),
  )
  t.is(err.code, 'AbortError')
  t.true(err.mayHaveReachedCognito)
  t.regex(err.jobId, /^import-/)
  const seen = standIn.operations.length
  await new Promise((r) => setTimeout(r, 100))
  t.is(standIn.operations.length, seen)
  t.false(standIn.operations.includes('DescribeUserImportJob'))
  // The job is still Cognito's: it can be stopped by its id.
  const stopped = await pool.stopUserImportJob({ jobId: err.jobId })
  t.is(stopped.jobId, err.jobId)
})

test('the job calls against fakecloud: create, describe, start, stop, list; their errors', async (t) => {
  const { pool, poolData } = t.context
  const { csvHeader } = await pool.getCsvHeader({})
  t.true(csvHeader.includes('email'))
  const created = await pool.createUserImportJob({ jobName: 'calls', cloudWatchLogsRoleArn: ROLE })
  t.is(created.status, 'Created')
  t.is(created.jobName, 'calls')
  t.is(created.cloudWatchLogsRoleArn, ROLE)
  t.true(created.preSignedUrl.startsWith('https://'))
  t.is(typeof created.createdAt, 'number')
  t.is((await pool.describeUserImportJob({ jobId: created.jobId })).status, 'Created')
  const started = await pool.startUserImportJob({ jobId: created.jobId })
  t.is(started.status, 'InProgress')
  t.is(typeof started.startedAt, 'number')
  // Starting twice is Cognito's InvalidParameterException; stopping ends it.
  t.is((await t.throwsAsync(pool.startUserImportJob({ jobId: created.jobId }))).code, 'InvalidParameterException')
  t.is((await pool.stopUserImportJob({ jobId: created.jobId })).status, 'Stopped')
  t.is((await t.throwsAsync(pool.describeUserImportJob({ jobId: 'import-nope' }))).code, 'ResourceNotFoundException')
  const page = await pool.listUserImportJobs({ limit: 60 })
  t.true(page.userImportJobs.some((j) => j.jobId === created.jobId))
  // Bad params: refused before any request.
  const proxy = await recordingProxy()
  t.teardown(() => proxy.close())
  const offline = cognitoUserPool({ ...poolData, endpoint: proxy.url })
  for (const [method, params] of [
    ['createUserImportJob', { jobName: 'j' }],
    ['createUserImportJob', { cloudWatchLogsRoleArn: ROLE }],
    ['createUserImportJob', { jobName: 'j', cloudWatchLogsRoleArn: ROLE, passwordHashingAlgorithm: 'MD5' }],
    ['startUserImportJob', {}],
    ['describeUserImportJob', { jobId: 7 }],
    ['stopUserImportJob', { jobId: null }],
    ['listUserImportJobs', { limit: -1 }],
  ]) {
    const err = await t.throwsAsync(offline[method](params))
    t.is(err.code, 'InvalidParameterException', `${method} ${JSON.stringify(params)}`)
  }
  t.deepEqual(proxy.operations, [])
})
