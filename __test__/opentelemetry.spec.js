'use strict'

// cognito-user-pool/opentelemetry with the OpenTelemetry SDK itself: spans go to its in-memory
// exporter, metrics to its in-memory metric exporter, parenting through its AsyncLocalStorage
// context manager. Calls go to fakecloud, or through a loopback proxy that throttles a first
// request (to see a retry as its own span).

const http = require('node:http')
const test = require('ava')
const api = require('@opentelemetry/api')
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks')
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base')
const {
  MeterProvider,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader,
  AggregationTemporality,
} = require('@opentelemetry/sdk-metrics')
const cognitoUserPool = require('..')
const { instrument } = require('cognito-user-pool/opentelemetry')
const { createTestIssuer } = require('cognito-user-pool/testing')
const { URL: FAKECLOUD, createPool, confirmedUser, listenOnLoopback, PASSWORD } = require('./helpers')

api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())

/** A tracer and meter provider of the SDK, instrumented; `spans()` and `metrics()` read what arrived. */
function otel(t, options = {}) {
  const exporter = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 })
  const meterProvider = new MeterProvider({ readers: [reader] })
  const stop = instrument({ tracerProvider, meterProvider, ...options })
  t.teardown(() => {
    stop()
    return Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()])
  })
  return {
    tracer: tracerProvider.getTracer('app'),
    stop,
    spans: () => exporter.getFinishedSpans(),
    async metrics() {
      await reader.forceFlush()
      const points = new Map()
      for (const resource of metricExporter.getMetrics()) {
        for (const scope of resource.scopeMetrics) {
          for (const metric of scope.metrics) points.set(metric.descriptor.name, metric.dataPoints)
        }
      }
      return points
    },
  }
}

const ms = ([seconds, nanos]) => seconds * 1e3 + nanos / 1e6
const parentOf = (span) => span.parentSpanContext?.spanId
const named = (spans, name) => spans.filter((s) => s.name === name)

test.before(async (t) => {
  t.context.poolData = await createPool()
  t.context.user = await confirmedUser(t.context.poolData)
})

test.serial("a login is a span under the caller's, with a CLIENT span per Cognito request and the AWS SDK conventions", async (t) => {
  const { tracer, spans, metrics } = otel(t)
  const pool = cognitoUserPool(t.context.poolData)
  const tokens = await tracer.startActiveSpan('POST /login', async (handler) => {
    try {
      return await pool.login({ username: t.context.user.username, password: PASSWORD })
    } finally {
      handler.end()
    }
  })
  const all = spans()
  const [handler] = named(all, 'POST /login')
  const [login] = named(all, 'cognito-user-pool login')
  t.truthy(login)
  t.is(parentOf(login), handler.spanContext().spanId)
  t.is(login.spanContext().traceId, handler.spanContext().traceId)
  t.is(login.kind, api.SpanKind.INTERNAL)
  t.like(login.attributes, {
    'cognito.method': 'login',
    'cognito.user_pool_id': t.context.poolData.UserPoolId,
    'cloud.region': 'us-east-1',
  })
  t.is(login.status.code, api.SpanStatusCode.UNSET)

  const requests = all.filter((s) => parentOf(s) === login.spanContext().spanId)
  t.deepEqual(
    requests.map((s) => s.name),
    ['CognitoIdentityProvider.InitiateAuth', 'CognitoIdentityProvider.RespondToAuthChallenge'],
  )
  for (const request of requests) {
    t.is(request.kind, api.SpanKind.CLIENT)
    t.like(request.attributes, {
      'rpc.system': 'aws-api',
      'rpc.service': 'CognitoIdentityProvider',
      'http.response.status_code': 200,
      'cloud.region': 'us-east-1',
    })
    t.is(request.attributes['rpc.method'], request.name.split('.')[1])
    t.is(typeof request.attributes['aws.request_id'], 'string')
    // Within the call's span, in order.
    t.true(ms(request.startTime) >= ms(login.startTime) - 5)
    t.true(ms(request.endTime) <= ms(login.endTime) + 5)
  }
  t.true(ms(requests[0].endTime) <= ms(requests[1].startTime) + 1)

  // Nothing secret in any span.
  const text = JSON.stringify(all.map((s) => [s.name, s.attributes, s.status, s.events]))
  for (const secret of [PASSWORD, tokens.accessToken, tokens.idToken, tokens.refreshToken]) t.false(text.includes(secret))

  const points = await metrics()
  const rpc = points.get('rpc.client.duration')
  t.deepEqual(rpc.map((p) => p.attributes['rpc.method']).sort(), ['InitiateAuth', 'RespondToAuthChallenge'])
  t.true(rpc.every((p) => p.value.count === 1 && p.value.sum > 0))
  const calls = points.get('cognito_user_pool.call.duration')
  t.deepEqual(
    calls.map((p) => p.attributes),
    [{ 'cognito.method': 'login' }],
  )
})

test.serial('a refused login is an error span with its code; a throttled first try and its retry are two CLIENT spans', async (t) => {
  const { spans } = otel(t)
  const pool = cognitoUserPool(t.context.poolData)
  await t.throwsAsync(pool.login({ username: t.context.user.username, password: 'Wrong-Pass-1!' }))
  const [login] = named(spans(), 'cognito-user-pool login')
  t.is(login.status.code, api.SpanStatusCode.ERROR)
  t.is(login.attributes['error.type'], 'NotAuthorizedException')
  const failedRequest = spans().find((s) => parentOf(s) === login.spanContext().spanId && s.attributes['http.response.status_code'] === 400)
  t.is(failedRequest.status.code, api.SpanStatusCode.ERROR)

  // A proxy that throttles the first request it sees, then forwards.
  let seen = 0
  const upstream = new globalThis.URL(FAKECLOUD)
  const proxy = await listenOnLoopback(
    http.createServer((req, res) => {
      const chunks = []
      req.on('data', (c) => chunks.push(c))
      req.on('end', () => {
        seen += 1
        if (seen === 1) {
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'throttled-1' })
          return res.end(JSON.stringify({ __type: 'TooManyRequestsException', message: 'slow down' }))
        }
        const out = http.request(
          { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode, answer.headers)
            answer.pipe(res)
          },
        )
        out.end(Buffer.concat(chunks))
      })
    }),
  )
  t.teardown(() => proxy.close())
  await cognitoUserPool({ ...t.context.poolData, endpoint: proxy.url })
    .signupResend({ username: t.context.user.username })
    .catch(() => {})
  const [resend] = named(spans(), 'cognito-user-pool signupResend')
  const tries = spans().filter((s) => parentOf(s) === resend.spanContext().spanId)
  t.deepEqual(
    tries.map((s) => [s.name, s.attributes['http.response.status_code'], s.attributes['http.request.resend_count']]),
    [
      ['CognitoIdentityProvider.ResendConfirmationCode', 400, undefined],
      ['CognitoIdentityProvider.ResendConfirmationCode', tries[1].attributes['http.response.status_code'], 1],
    ],
  )
  t.is(tries[0].attributes['aws.request_id'], 'throttled-1')
})

test.serial(
  'bad params and a refused connection are spans without requests or with a failed one; nothing after uninstrument',
  async (t) => {
    const { spans, stop } = otel(t)
    const pool = cognitoUserPool(t.context.poolData)
    await t.throwsAsync(pool.login({ username: 'u' }))
    const [bad] = named(spans(), 'cognito-user-pool login')
    t.is(bad.attributes['error.type'], 'InvalidParameterException')
    t.is(spans().filter((s) => parentOf(s) === bad.spanContext().spanId).length, 0)

    await t.throwsAsync(
      cognitoUserPool({ ...t.context.poolData, endpoint: 'http://127.0.0.1:9', timeout: 2000 }).signupResend({ username: 'u' }),
    )
    const [refused] = named(spans(), 'cognito-user-pool signupResend')
    t.is(refused.attributes['error.type'], 'NetworkError')
    const tries = spans().filter((s) => parentOf(s) === refused.spanContext().spanId)
    t.true(tries.length >= 1)
    t.true(tries.every((s) => s.attributes['http.response.status_code'] === undefined && s.status.code === api.SpanStatusCode.ERROR))

    stop()
    const before = spans().length
    await t.throwsAsync(pool.login({ username: 'u' }))
    t.is(spans().length, before)
  },
)

test.serial('verifications are spans only when asked for', async (t) => {
  const issuer = createTestIssuer({ userPoolId: 'us-east-1_Otel1', clientId: 'web' })
  const verifier = issuer.verifier({ tokenUse: 'access' })
  const quiet = otel(t)
  verifier.verifySync(issuer.accessToken())
  t.is(named(quiet.spans(), 'cognito-user-pool verify').length, 0)
  quiet.stop()

  const { spans } = otel(t, { verify: true })
  verifier.verifySync(issuer.accessToken())
  await t.throwsAsync(verifier.verify(issuer.idToken()))
  const verifications = named(spans(), 'cognito-user-pool verify')
  t.is(verifications.length, 2)
  t.like(verifications[0].attributes, { 'cognito.token.issuer': issuer.issuer, 'cognito.token.use': 'access' })
  t.is(verifications[1].status.code, api.SpanStatusCode.ERROR)
})

test.serial('a JWKS fetch is a CLIENT span of its own, with the URL, the status and the keys; a failed one an error span', async (t) => {
  const { spans } = otel(t)
  const issuer = createTestIssuer({ userPoolId: 'us-east-1_OtelJwks1', clientId: 'web' })
  t.teardown(() => issuer.close())
  const { jwksUrl, poolData } = await issuer.serve()
  const pool = cognitoUserPool(poolData)
  await Promise.all([pool.verifyToken({ token: issuer.accessToken() }), pool.verifyToken({ token: issuer.idToken() })])
  const [fetched] = spans().filter((s) => s.attributes['url.full'] === jwksUrl)
  t.is(spans().filter((s) => s.attributes['url.full'] === jwksUrl).length, 1, 'two verifications, one fetch')
  t.is(fetched.kind, api.SpanKind.CLIENT)
  t.like(fetched.attributes, { 'http.request.method': 'GET', 'http.response.status_code': 200, 'cognito.jwks.keys': 1 })

  const down = await listenOnLoopback(http.createServer((req, res) => res.writeHead(503).end()))
  t.teardown(() => down.close())
  const other = createTestIssuer({ userPoolId: 'us-east-1_OtelJwks2', clientId: 'web' })
  const failing = cognitoUserPool({ UserPoolId: other.userPoolId, ClientId: 'web', jwksUrl: `${down.url}/jwks.json` })
  t.is((await t.throwsAsync(failing.verifyToken({ token: other.accessToken() }))).code, 'FetchError')
  const [refused] = spans().filter((s) => s.attributes['url.full'] === `${down.url}/jwks.json`)
  t.is(refused.status.code, api.SpanStatusCode.ERROR)
  t.like(refused.attributes, { 'error.type': 'FetchError', 'http.response.status_code': 503 })
})

test('instrument refuses unknown and undefined options by name', (t) => {
  t.throws(() => instrument({ tracer: {} }), { message: 'instrument does not take tracer' })
  t.throws(() => instrument({ tracerProvider: undefined }), { message: 'tracerProvider is undefined: leave it out or give a value' })
  t.throws(() => instrument(null), { instanceOf: TypeError })
})

test("the README's example runs: the login under the handler's span, its requests under it", (t) => {
  const { execFileSync } = require('node:child_process')
  const out = execFileSync(process.execPath, [require.resolve('../examples/opentelemetry.js')], { encoding: 'utf8', env: process.env })
  const lines = out.trim().split('\n')
  t.true(lines.includes('  cognito-user-pool login'), out)
  t.true(lines.includes('POST /login'), out)
  t.regex(out, /^ {4}CognitoIdentityProvider\.InitiateAuth InitiateAuth 200 request \S+$/m)
  t.regex(out, /^ {4}CognitoIdentityProvider\.RespondToAuthChallenge RespondToAuthChallenge 200 request \S+$/m)
})
