import type { MeterProvider, TracerProvider } from '@opentelemetry/api'

export interface InstrumentOptions {
  /** The global tracer provider unless given. */
  tracerProvider?: TracerProvider
  /** The global meter provider unless given. */
  meterProvider?: MeterProvider
  /** Spans for token verifications too (many and fast: off unless asked). */
  verify?: boolean
}

/** Turns the package's tracing channels into spans and metrics; returns the function that stops it. */
export function instrument(options?: InstrumentOptions): () => void
