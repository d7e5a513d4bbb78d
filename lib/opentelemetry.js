'use strict'

// cognito-user-pool/opentelemetry: the package's tracing channels (lib/tracing.js) as
// OpenTelemetry spans and metrics. A method call is an INTERNAL span, parented to the span active
// where the method was called; each request it made to Cognito is a CLIENT child span with the
// semantic conventions for AWS SDK calls (rpc.system 'aws-api', rpc.service, rpc.method,
// aws.request_id, http.response.status_code, cloud.region) and a sample of `rpc.client.duration`.
// Refreshes by the sessions layer, JWKS fetches and machine-token fetches are spans too (the
// fetches CLIENT spans of their own: many calls may wait for one); verifications only when asked (`verify: true`),
// as they are many and fast. Nothing secret reaches a span: the channels carry none.

const dc = require('node:diagnostics_channel')
const api = require('@opentelemetry/api')
const { version } = require('../package.json')

const NAME = 'cognito-user-pool'
const SERVICE = 'CognitoIdentityProvider'
const OPTIONS = new Set(['tracerProvider', 'meterProvider', 'verify'])

const now = () => performance.timeOrigin + performance.now()

/** The region of a pool id (`eu-west-1_AbC123` is in eu-west-1). */
const regionOf = (userPoolId) => (typeof userPoolId === 'string' ? userPoolId.split('_')[0] : undefined)

/** Ends `span` as failed with the error's code (its message is the package's, but a code suffices). */
function failed(span, code) {
  span.setAttribute('error.type', code ?? 'Error')
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: code })
}

/** The child spans of a call's requests, placed in time from the call's start. */
function requestSpans(tracer, histogram, parent, context, began) {
  const region = regionOf(context.userPoolId)
  for (const a of context.attempts ?? []) {
    const token = a.operation === 'OAuth2Token'
    const attributes = token
      ? { 'http.request.method': 'POST', 'url.path': '/oauth2/token' }
      : { 'rpc.system': 'aws-api', 'rpc.service': SERVICE, 'rpc.method': a.operation, 'cloud.region': region }
    if (a.status !== null) attributes['http.response.status_code'] = a.status
    if (a.requestId) attributes['aws.request_id'] = a.requestId
    if (a.attempt > 1) attributes['http.request.resend_count'] = a.attempt - 1
    const span = tracer.startSpan(
      token ? 'POST /oauth2/token' : `${SERVICE}.${a.operation}`,
      { kind: api.SpanKind.CLIENT, startTime: began + a.startMs, attributes },
      api.trace.setSpan(api.context.active(), parent),
    )
    if (a.status === null || a.status >= 400) failed(span, a.status === null ? 'NetworkError' : String(a.status))
    span.end(began + a.startMs + a.durationMs)
    histogram.record(a.durationMs, attributes)
  }
}

/** Handlers that keep one span per traced context, ended at the last event of its kind. */
function spanHandlers(spans, { begin, finish, sync }) {
  const close = (context) => {
    const span = spans.get(context)
    if (!span) return
    spans.delete(context)
    finish(span, context)
  }
  return {
    start(context) {
      spans.set(context, begin(context))
    },
    end(context) {
      if (sync(context)) close(context)
    },
    asyncStart() {},
    asyncEnd: close,
    error(context) {
      const span = spans.get(context)
      if (span) failed(span, context.code ?? context.error?.code)
    },
  }
}

/**
 * Starts turning the channels into spans and metrics, with the global tracer and meter
 * providers unless others are given; returns the function that stops it.
 * `instrument({ tracerProvider?, meterProvider?, verify?: boolean })`
 */
function instrument(options = {}) {
  if (options === null || typeof options !== 'object') throw new TypeError('instrument takes an options object')
  for (const [name, value] of Object.entries(options)) {
    if (!OPTIONS.has(name)) throw new TypeError(`instrument does not take ${name}`)
    if (value === undefined) throw new TypeError(`${name} is undefined: leave it out or give a value`)
  }
  const tracer = (options.tracerProvider ?? api.trace.getTracerProvider()).getTracer(NAME, version)
  const meter = (options.meterProvider ?? api.metrics.getMeterProvider()).getMeter(NAME, version)
  const rpcDuration = meter.createHistogram('rpc.client.duration', { unit: 'ms', description: 'Each request to Cognito' })
  const callDuration = meter.createHistogram('cognito_user_pool.call.duration', {
    unit: 'ms',
    description: 'Each method call, requests and retries included',
  })
  const spans = new WeakMap()
  const began = new WeakMap()

  const handlers = {
    call: spanHandlers(spans, {
      begin(context) {
        began.set(context, now())
        return tracer.startSpan(`${NAME} ${context.method}`, {
          kind: api.SpanKind.INTERNAL,
          attributes: {
            'cognito.method': context.method,
            'cognito.user_pool_id': context.userPoolId,
            'cloud.region': regionOf(context.userPoolId),
          },
        })
      },
      finish(span, context) {
        const start = began.get(context)
        requestSpans(tracer, rpcDuration, span, context, start)
        if (context.mayHaveReachedCognito !== undefined)
          span.setAttribute('cognito.may_have_reached_cognito', context.mayHaveReachedCognito)
        span.end()
        callDuration.record(now() - start, { 'cognito.method': context.method, ...(context.code ? { 'error.type': context.code } : {}) })
      },
      sync: () => false,
    }),
    refresh: spanHandlers(spans, {
      begin: (context) =>
        tracer.startSpan(`${NAME} session refresh`, {
          kind: api.SpanKind.INTERNAL,
          attributes: { 'cognito.session.store': context.store },
        }),
      finish: (span) => span.end(),
      sync: () => false,
    }),
    jwks: spanHandlers(spans, {
      begin: (context) =>
        tracer.startSpan('GET', {
          kind: api.SpanKind.CLIENT,
          attributes: { 'http.request.method': 'GET', 'url.full': context.jwksUri, 'cognito.jwks.fetcher': context.fetcher === true },
        }),
      finish(span, context) {
        if (context.status != null) span.setAttribute('http.response.status_code', context.status)
        if (context.keys != null) span.setAttribute('cognito.jwks.keys', context.keys)
        span.end()
      },
      sync: () => false,
    }),
    'machine-token': spanHandlers(spans, {
      begin: (context) =>
        context.source === 'api'
          ? tracer.startSpan(`${SERVICE}.GetClientToken`, {
              kind: api.SpanKind.CLIENT,
              attributes: {
                'rpc.system': 'aws-api',
                'rpc.service': SERVICE,
                'rpc.method': 'GetClientToken',
                'cognito.scope': context.scope,
              },
            })
          : tracer.startSpan('POST', {
              kind: api.SpanKind.CLIENT,
              attributes: { 'http.request.method': 'POST', 'url.full': context.tokenUrl, 'cognito.scope': context.scope },
            }),
      finish: (span) => span.end(),
      sync: () => false,
    }),
  }
  if (options.verify === true) {
    handlers.verify = spanHandlers(spans, {
      begin: () => tracer.startSpan(`${NAME} verify`, { kind: api.SpanKind.INTERNAL }),
      finish(span, context) {
        if (context.issuer) span.setAttribute('cognito.token.issuer', context.issuer)
        if (context.tokenUse) span.setAttribute('cognito.token.use', context.tokenUse)
        span.end()
      },
      sync: (context) => context.sync === true,
    })
  }
  const subscribed = Object.entries(handlers).map(([name, h]) => {
    const channel = dc.tracingChannel(`cognito-user-pool:${name}`)
    channel.subscribe(h)
    return () => channel.unsubscribe(h)
  })
  return function uninstrument() {
    for (const stop of subscribed.splice(0)) stop()
  }
}

module.exports = { instrument }
