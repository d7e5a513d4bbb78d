'use strict'

// OpenTelemetry for this package: `node scripts/with-fakecloud.js node examples/opentelemetry.js`.
// A tracer provider of the OpenTelemetry SDK printing finished spans, the package's
// instrumentation, and a sign-up and login inside an "HTTP handler" span: the login's span is
// its child, and each request to Cognito a CLIENT span under it, with rpc.* and aws.request_id.

const api = require('@opentelemetry/api')
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks')
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base')
const { instrument } = require('cognito-user-pool/opentelemetry')
const cognitoUserPool = require('cognito-user-pool')
const fakecloud = require('../scripts/fakecloud.js')

// What an app's tracing set-up does once, at start.
api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
const printer = {
  export(spans, done) {
    for (const span of spans) {
      const depth = span.parentSpanContext ? (span.kind === api.SpanKind.CLIENT ? '    ' : '  ') : ''
      const { 'rpc.method': method, 'http.response.status_code': status, 'aws.request_id': requestId } = span.attributes
      const detail = method ? ` ${method} ${status} request ${requestId}` : ''
      console.log(`${depth}${span.name}${detail}`)
    }
    done({ code: 0 })
  },
  shutdown: async () => {},
}
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(printer)] })
api.trace.setGlobalTracerProvider(tracerProvider)
instrument() // the global tracer and meter providers

async function main() {
  const poolData = await fakecloud.createPool(process.env.FAKECLOUD_URL)
  const pool = cognitoUserPool(poolData)
  const username = fakecloud.unique('otel')
  const password = 'Correct-Horse-9!'
  await pool.signup({ username, password, attributes: [{ Name: 'email', Value: `${username}@example.com` }] })
  await pool.adminConfirmSignUp({ username })
  await api.trace.getTracer('app').startActiveSpan('POST /login', async (span) => {
    await pool.login({ username, password })
    span.end()
  })
  await tracerProvider.shutdown()
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
