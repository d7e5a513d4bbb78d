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

const dc = require('node:diagnostics_channel')

const channels = {
  call: dc.tracingChannel('cognito-user-pool:call'),
  verify: dc.tracingChannel('cognito-user-pool:verify'),
  refresh: dc.tracingChannel('cognito-user-pool:refresh'),
}

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

module.exports = { channels, traced, tracedSync }
