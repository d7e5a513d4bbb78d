'use strict'

// What the package publishes for observability, as Node's libraries do (undici, fastify, pg):
// TracingChannels from `node:diagnostics_channel`, each event carrying one context object. A
// channel with no subscriber costs one property read; nothing secret is ever put in a context
// (no params, no token, no password: the method's name, the pool, the outcome's code).
//
//   cognito-user-pool:call     every method call: { method, userPoolId }, then { code } on error,
//                              and by its end { attempts }: each request it made, as
//                              { operation, attempt, status, requestId, startMs, durationMs }
//                              (ms from the call's start; operation OAuth2Token for the token endpoint)
//   cognito-user-pool:verify   every token verification: { sync, issuer?, tokenUse? }
//   cognito-user-pool:refresh  every refresh the sessions layer makes: { store }
//   cognito-user-pool:jwks     every fetch of a pool's JWKS: { jwksUri, fetcher? }, by its end
//                              { status, keys, durationMs } or the failure's { code, error }
//   cognito-user-pool:machine-token
//                              every machine token fetched for clientCredentials: { source,
//                              tokenUrl?, scope }, by its end { expiresAt, durationMs } or the failure
//
// A JWKS or a machine token is fetched once for every call waiting for it, so it is traced once,
// on the JS thread whose call started it; the native side reports its start and end (watchFetches).

const dc = require('node:diagnostics_channel')
const { watchFetches } = require('./native.js')
const { makeError } = require('./errors.js')

const channels = {
  call: dc.tracingChannel('cognito-user-pool:call'),
  verify: dc.tracingChannel('cognito-user-pool:verify'),
  refresh: dc.tracingChannel('cognito-user-pool:refresh'),
  jwks: dc.tracingChannel('cognito-user-pool:jwks'),
  machineToken: dc.tracingChannel('cognito-user-pool:machine-token'),
}

/**
 * A fetch seen from outside, published on `channel` as `tracePromise` would have (start and end
 * now; error, asyncStart and asyncEnd once it ends) when anyone listens: the function to call with
 * its outcome (fields added to `context`; a `code` becomes the coded `error`), else undefined.
 */
function fetchStarted(channel, context) {
  if (!channel.hasSubscribers) return undefined
  channel.start.publish(context)
  channel.end.publish(context)
  return ({ code, message, statusCode, ...outcome }) => {
    for (const [name, value] of Object.entries(outcome)) if (value !== null) context[name] = value
    if (code !== undefined) {
      context.code = code
      context.error = makeError({ code, message, statusCode: statusCode ?? undefined })
      channel.error.publish(context)
    }
    channel.asyncStart.publish(context)
    channel.asyncEnd.publish(context)
  }
}

/** The native fetches in flight that are traced, by the id of their reports. */
const reported = new Map()

/**
 * A native fetch's report: its start (with its context) or its end. The native side waits (at
 * most a second) for an end to be published before it answers the calls that waited for that
 * fetch; nothing thrown here may reach it (N-API would end the process), so a throw is Node's
 * uncaught exception, as a throwing subscriber's is.
 */
function onReport(text) {
  try {
    const { id, kind, context, end } = JSON.parse(text)
    if (context) {
      const ended = fetchStarted(channels[kind], context)
      if (ended) reported.set(id, ended)
    } else if (reported.has(id)) {
      const ended = reported.get(id)
      reported.delete(id)
      ended(end)
    }
  } catch (err) {
    process.nextTick(() => {
      throw err
    })
  }
}
watchFetches(onReport)

/**
 * Whether a native call should report the JWKS and machine-token fetches it starts: only when
 * someone listens, so that an untraced fetch reports nothing and waits for no JS thread.
 */
const fetchesTraced = () => channels.jwks.hasSubscribers || channels.machineToken.hasSubscribers

/** `fn()` (a promise) traced on `channel` with `context` when anyone listens; else just `fn()`. */
function traced(channel, context, fn) {
  if (!channel.hasSubscribers) return fn()
  return channel.tracePromise(fn, context)
}

/** `fn()` traced synchronously on `channel` when anyone listens. */
function tracedSync(channel, context, fn) {
  if (!channel.hasSubscribers) return fn()
  return channel.traceSync(fn, context)
}

module.exports = { channels, traced, tracedSync, fetchStarted, fetchesTraced }
