'use strict'

// Moving users into the pool with Cognito's user import job: the pool's CSV header asked for,
// the records written under it, the job created, the CSV uploaded to the job's pre-signed URL,
// the job started and followed until it ends. Every record is checked before anything is sent,
// so a bad one costs no job; from the job's creation on, an error carries its `jobId`.

const { invalidParams, abortError, makeError } = require('./errors.js')
const { readSignal } = require('./call.js')

/** Cognito's limit on one job's CSV. */
const MAX_USERS = 500_000
const ENDED = new Set(['Succeeded', 'Failed', 'Stopped', 'Expired'])
const OPTIONS = new Set(['jobName', 'cloudWatchLogsRoleArn', 'passwordHashingAlgorithm', 'onProgress', 'pollInterval', 'signal'])
const RECORD = new Set(['username', 'attributes', 'mfaEnabled'])
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost'])

/** The records, from an array or any (async) iterable, e.g. a database cursor. */
async function readUsers(users) {
  if (Array.isArray(users)) return users
  if (users === null || typeof users !== 'object' || !(Symbol.asyncIterator in users || Symbol.iterator in users)) {
    throw invalidParams('users must be an array or an iterable of { username, attributes?, mfaEnabled? }')
  }
  const records = []
  try {
    for await (const record of users) records.push(record)
  } catch {
    throw invalidParams('users could not be read (its iterator threw)')
  }
  return records
}

/** The options, or why they are refused (named, never with their values). */
function readOptions(options) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return { why: 'options must be an object' }
  for (const name of Object.keys(options)) {
    if (!OPTIONS.has(name)) return { why: `importUsers does not take ${name}` }
    if (options[name] === undefined) return { why: `${name} is undefined: leave it out or give a value` }
  }
  for (const name of ['jobName', 'cloudWatchLogsRoleArn']) {
    if (typeof options[name] !== 'string' || options[name] === '') return { why: `${name} is required (a string)` }
  }
  const { onProgress, pollInterval = 5000 } = options
  if (onProgress !== undefined && typeof onProgress !== 'function') return { why: 'onProgress must be a function' }
  if (!Number.isFinite(pollInterval) || pollInterval <= 0) return { why: 'pollInterval must be a positive number of milliseconds' }
  const { signal, why } = readSignal(options)
  if (why) return { why }
  return { options: { ...options, pollInterval, signal } }
}

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
function field(value) {
  const text = value === true ? 'TRUE' : value === false ? 'FALSE' : value === undefined || value === null ? '' : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** Why a record is refused (by its index and field, never its value), checked before any request. */
function recordProblems(records) {
  const seen = new Set()
  for (const [i, record] of records.entries()) {
    if (record === null || typeof record !== 'object') return `users[${i}] must be an object`
    const extra = Object.keys(record).find((k) => !RECORD.has(k))
    if (extra) return `users[${i}] has ${extra}: a record takes username, attributes and mfaEnabled`
    const { username, attributes = {}, mfaEnabled = false } = record
    if (typeof username !== 'string' || username === '') return `users[${i}].username is required (a string)`
    if (seen.has(username)) return `users[${i}].username repeats an earlier record's`
    seen.add(username)
    if (typeof mfaEnabled !== 'boolean') return `users[${i}].mfaEnabled must be a boolean`
    if (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes))
      return `users[${i}].attributes must be an object`
    for (const [name, value] of Object.entries(attributes)) {
      if (!['string', 'boolean', 'number'].includes(typeof value))
        return `users[${i}].attributes.${name} must be a string, number or boolean`
    }
  }
  return undefined
}

/** The CSV of (checked) `records` under the pool's `header`, or why a record does not fit it. */
function writeCsv(header, records) {
  const columns = new Set(header)
  const lines = [header.map(field).join(',')]
  for (const [i, { username, attributes = {}, mfaEnabled = false }] of records.entries()) {
    const stray = Object.keys(attributes).find((name) => !columns.has(name) || name.startsWith('cognito:'))
    if (stray !== undefined) return { why: `users[${i}].attributes.${stray} is not a column of the pool's CSV header` }
    const row = header.map((column) =>
      column === 'cognito:username' ? username : column === 'cognito:mfa_enabled' ? mfaEnabled : attributes[column],
    )
    lines.push(row.map(field).join(','))
  }
  return { csv: `${lines.join('\r\n')}\r\n` }
}

const unexpected = (message) => makeError({ code: 'UnexpectedResponse', message, statusCode: 502, retryable: false })

/** The job as progress shows it: its pre-signed URL (a write credential) left out. */
function progressOf(job) {
  const shown = { ...job }
  delete shown.preSignedUrl
  return shown
}

/** An error that happened once the job existed: it carries the job's id. */
function withJob(err, jobId) {
  err.jobId = jobId
  return err
}

/** The pre-signed URL, if it may receive the users: https, or plain http on this machine only. */
function uploadUrl(text) {
  let url
  try {
    url = new URL(text)
  } catch {
    return undefined
  }
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) ? url : undefined
}

async function upload(url, csv, signal) {
  let answer
  try {
    // Cognito's import bucket takes the CSV encrypted at rest under its KMS key.
    answer = await fetch(url, {
      method: 'PUT',
      body: csv,
      signal,
      headers: { 'content-type': 'text/csv', 'x-amz-server-side-encryption': 'aws:kms' },
    })
    await answer.arrayBuffer()
  } catch (err) {
    if (signal?.aborted) throw abortError(signal, true)
    throw makeError({
      code: 'NetworkError',
      message: `the CSV could not be uploaded (${err.code ?? err.name})`,
      statusCode: 503,
      retryable: true,
    })
  }
  if (!answer.ok) {
    throw makeError({
      code: 'UserImportUploadFailed',
      message: `the import's storage refused the CSV (HTTP ${answer.status})`,
      statusCode: answer.status,
      retryable: false,
    })
  }
}

/** Waits `ms`, or rejects with the abort. */
function pause(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal, true))
    const onAbort = () => {
      clearTimeout(timer)
      reject(abortError(signal, true))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * `pool.importUsers(users, { jobName, cloudWatchLogsRoleArn, passwordHashingAlgorithm?,
 * onProgress?, pollInterval?, signal? })`: resolves `{ jobId, status: 'Succeeded',
 * importedUsers, skippedUsers, failedUsers, ... }`; a job that ends otherwise rejects with
 * `UserImportJobFailed` and the job. An abort after the job started stops the waiting, not the
 * job (the error has `jobId`; `stopUserImportJob` stops it).
 */
async function importUsers(pool, users, options) {
  const records = await readUsers(users)
  if (records.length === 0) throw invalidParams('users is empty')
  if (records.length > MAX_USERS) throw invalidParams(`users has ${records.length} records; one import job takes ${MAX_USERS}`)
  const { options: o, why } = readOptions(options)
  if (why) throw invalidParams(why)
  const problem = recordProblems(records)
  if (problem) throw invalidParams(problem)
  const { signal } = o

  const { csvHeader } = await pool.getCsvHeader({ signal })
  if (!csvHeader.includes('cognito:username')) throw unexpected("the pool's CSV header has no cognito:username column")
  const { csv, why: refused } = writeCsv(csvHeader, records)
  if (refused) throw invalidParams(refused)

  const created = await pool.createUserImportJob({
    jobName: o.jobName,
    cloudWatchLogsRoleArn: o.cloudWatchLogsRoleArn,
    passwordHashingAlgorithm: o.passwordHashingAlgorithm,
    signal,
  })
  const { jobId } = created
  try {
    const url = uploadUrl(created.preSignedUrl)
    if (!url) throw unexpected('Cognito answered with an upload URL that is not https')
    await upload(url, csv, signal)
    let job = await pool.startUserImportJob({ jobId, signal })
    for (;;) {
      if (o.onProgress) o.onProgress(progressOf(job))
      if (ENDED.has(job.status)) break
      await pause(o.pollInterval, signal)
      job = await pool.describeUserImportJob({ jobId, signal })
    }
    if (job.status !== 'Succeeded') {
      const err = makeError({
        code: 'UserImportJobFailed',
        message: `the import job ended ${job.status}: ${job.completionMessage ?? 'no message'}`,
        statusCode: 500,
        retryable: false,
      })
      err.job = progressOf(job)
      throw err
    }
    return progressOf(job)
  } catch (err) {
    throw withJob(err, jobId)
  }
}

module.exports = { importUsers }
