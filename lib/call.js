'use strict'

// One method call from the caller's side: its params read, its AbortSignal listened to, the
// native call run, the tokens it obtained handed to poolData's onTokens, and the callback called
// once (or the promise settled).

const { methodsAnsweredNow } = require('./native.js')
const { readParams } = require('./params.js')
const { makeError, invalidParams, abortError, internalError } = require('./errors.js')
const { channels, traced, fetchesTraced } = require('./tracing.js')

const ANSWERED_NOW = new Set(methodsAnsweredNow())

/** The `signal` param: none, an AbortSignal (any realm's: read by shape), or why it is not one. */
function readSignal(params) {
  let signal
  try {
    signal = params.signal
  } catch {
    return { why: 'signal could not be read (its getter threw)' }
  }
  if (signal === undefined || signal === null) return {}
  if (typeof signal !== 'object' || typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function') {
    return { why: 'signal must be an AbortSignal' }
  }
  return { signal }
}

/**
 * The native call's answer, or `{ aborted, mayHaveReachedCognito }` as soon as the signal fires.
 * The abort is decided on this thread: the native call sends no request from then on, and what
 * it had in flight runs to its end, so tokens a refresh obtained still reach the hook.
 */
function answerOf(pool, method, json, signal, traced) {
  if (!signal) return pool.binding.call(method, json, 0, traced, fetchesTraced())
  pool.lastAbortId = (pool.lastAbortId % 0xffffffff) + 1
  const id = pool.lastAbortId
  const answer = pool.binding.call(method, json, id, traced, fetchesTraced())
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      resolve({ aborted: true, mayHaveReachedCognito: pool.binding.abort(id) })
      answer.then(
        (late) => handOver(pool, parse(late)).catch(() => {}),
        () => {},
      )
    }
    signal.addEventListener('abort', onAbort, { once: true })
    answer.then(
      (text) => {
        signal.removeEventListener('abort', onAbort)
        resolve(text)
      },
      (err) => {
        signal.removeEventListener('abort', onAbort)
        reject(err)
      },
    )
  })
}

function parse(text) {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The tokens a refresh inside the call obtained, handed to poolData's onTokens before the call settles. */
async function handOver(pool, answer) {
  if (answer && answer.refreshed && pool.onTokens) {
    await pool.onTokens(answer.refreshed.tokens, { username: answer.refreshed.username })
  }
}

/**
 * Run one native call; settles with [err, result, attempts] and never rejects. `attempts`, for a
 * `traced` call only, are the requests it made (`{ operation, attempt, status, requestId,
 * startMs, durationMs }`), for the tracing channel.
 */
async function run(pool, method, params, traced = false) {
  const { json, why } = readParams(params)
  if (json === undefined) return [invalidParams(why)]
  if (pool.why) return [invalidParams(pool.why)]
  const { signal, why: badSignal } = readSignal(params)
  if (badSignal) return [invalidParams(badSignal)]
  if (signal && signal.aborted) return [abortError(signal, false)]
  let answer
  try {
    // The methods the native side can answer on this thread (verifyToken with the keys known)
    // are asked there first; everything else, and what they cannot answer now, goes the async way.
    const now = ANSWERED_NOW.has(method) ? pool.binding.callNow(method, json) : null
    const text = now ?? (await answerOf(pool, method, json, signal, traced))
    if (text.aborted) return [abortError(signal, text.mayHaveReachedCognito)]
    answer = parse(text)
  } catch {
    return [internalError()]
  }
  if (!answer) return [internalError()]
  try {
    await handOver(pool, answer)
  } catch (err) {
    return [err, undefined, answer.attempts]
  }
  return answer.error ? [makeError(answer.error), undefined, answer.attempts] : [null, answer.ok, answer.attempts]
}

/** `run`, published on the call channel when it has subscribers (the error's code in the context). */
function tracedRun(pool, method, params) {
  if (!channels.call.hasSubscribers) return run(pool, method, params)
  const context = { method, userPoolId: pool.userPoolId }
  let settled
  // The traced function resolves to nothing: TracingChannel hands what it resolves to every
  // subscriber (`context.result`), and a method's result may hold tokens.
  const traceable = async () => {
    settled = await run(pool, method, params, true)
    const [err, , attempts] = settled
    if (attempts) context.attempts = attempts
    if (!err) return
    context.code = err.code
    if (err.mayHaveReachedCognito !== undefined) context.mayHaveReachedCognito = err.mayHaveReachedCognito
    throw err
  }
  return traced(channels.call, context, traceable).then(
    () => settled,
    () => settled,
  )
}

/** `method(params, callback)` as the original, or a Promise when no callback is given. */
function call(native, method, params, callback) {
  if (callback !== undefined && callback !== null && typeof callback !== 'function') {
    const err = new TypeError(`The "callback" argument of ${method} must be a function`)
    err.code = 'ERR_INVALID_ARG_TYPE'
    throw err
  }
  const settled = native
    ? tracedRun(native, method, params)
    : Promise.resolve([invalidParams(`${method} was called without its pool: call it as pool.${method}(...)`)])
  if (!callback) return settled.then(([err, result]) => (err ? Promise.reject(err) : result))
  // Outside the promise chain: an exception thrown by the callback stays an ordinary uncaught one.
  settled.then(([err, result]) => {
    process.nextTick(() => (err ? callback(err) : callback(null, result)))
  })
  return undefined
}

module.exports = { call, readSignal }
