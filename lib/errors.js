'use strict'

// The Errors the caller receives, made here in the caller's realm (under Jest each test file has
// its own), with the fields the original's errors had.

const jwtErrors = require('./jwt-errors.js')

/**
 * An `Error` with the fields the original's (aws-sdk v2) errors had, all own and enumerable so
 * that `JSON.stringify(err)` and `res.send(err)` show them: code, name, message, statusCode,
 * retryable and, when the server sent one, requestId. A token verification's error is an instance
 * of aws-jwt-verify's class of its name (lib/jwt-errors.js), with its `failedAssertion`; `Class`,
 * when given, is the class instead.
 */
function makeError({ code, message, statusCode, requestId, retryable, failedAssertion }, Class) {
  const JwtError = Class ?? (Object.hasOwn(jwtErrors, code) ? jwtErrors[code] : undefined)
  const err = JwtError ? new JwtError(message) : new Error(message)
  if (failedAssertion) err.failedAssertion = failedAssertion
  Object.defineProperty(err, 'message', { value: message, enumerable: true, writable: true, configurable: true })
  err.code = code
  err.name = code
  if (statusCode !== undefined) err.statusCode = statusCode
  if (requestId !== undefined) err.requestId = requestId
  if (retryable !== undefined) err.retryable = retryable
  return err
}

function invalidParams(message) {
  return makeError({ code: 'InvalidParameterException', message, statusCode: 400, retryable: false })
}

/**
 * The error of an aborted call. `mayHaveReachedCognito` says whether one of its requests had
 * already been handed to the connection: false means nothing was sent; true means the server may
 * have acted on it (a password changed, a user signed up), as with any request whose answer is lost.
 */
function abortError(signal, mayHaveReachedCognito) {
  const err = makeError({ code: 'AbortError', message: 'The call was aborted (its AbortSignal)', retryable: false })
  err.mayHaveReachedCognito = mayHaveReachedCognito
  if (signal.reason !== undefined) err.cause = signal.reason
  return err
}

const internalError = () =>
  makeError({ code: 'InternalErrorException', message: 'cognito-user-pool could not run the call', statusCode: 500, retryable: false })

module.exports = { makeError, invalidParams, abortError, internalError }
