'use strict'

// The error classes of token verification, named and nested as aws-jwt-verify names and nests
// them, so that code ported from it (`err instanceof JwtExpiredError`, a custom check that throws
// a subclass of `JwtInvalidClaimError`) keeps working. `require('cognito-user-pool/error')`.

class JwtBaseError extends Error {}

/** A check of the token failed; `failedAssertion` holds what it found and what was asked for. */
class FailedAssertionError extends JwtBaseError {
  constructor(message, actual, expected) {
    super(message)
    this.failedAssertion = { actual, expected }
  }
}

class JwtParseError extends JwtBaseError {}
class ParameterValidationError extends JwtBaseError {}
class JwtInvalidSignatureError extends JwtBaseError {}
class JwtInvalidSignatureAlgorithmError extends FailedAssertionError {}
/** A claim failed its check; with `includeRawJwtInErrors`, `rawJwt` holds the verified token. */
class JwtInvalidClaimError extends FailedAssertionError {}
class JwtInvalidIssuerError extends JwtInvalidClaimError {}
class JwtInvalidAudienceError extends JwtInvalidClaimError {}
class JwtInvalidScopeError extends JwtInvalidClaimError {}
class JwtExpiredError extends JwtInvalidClaimError {}
class JwtNotBeforeError extends JwtInvalidClaimError {}
class CognitoJwtInvalidGroupError extends JwtInvalidClaimError {}
class CognitoJwtInvalidTokenUseError extends JwtInvalidClaimError {}
class CognitoJwtInvalidClientIdError extends JwtInvalidClaimError {}
class JwksValidationError extends JwtBaseError {}
class JwkValidationError extends JwtBaseError {}
class JwtWithoutValidKidError extends JwtBaseError {}
class KidNotFoundInJwksError extends JwtBaseError {}
class WaitPeriodNotYetEndedJwkError extends JwtBaseError {}
class JwksNotAvailableInCacheError extends JwtBaseError {}
class JwkInvalidUseError extends FailedAssertionError {}
class JwkInvalidKtyError extends FailedAssertionError {}
class FetchError extends JwtBaseError {}
class AlbJwtInvalidSignerError extends JwtInvalidClaimError {}
class AlbJwtInvalidClientIdError extends JwtInvalidClaimError {}

module.exports = {
  JwtBaseError,
  FailedAssertionError,
  JwtParseError,
  ParameterValidationError,
  JwtInvalidSignatureError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidClaimError,
  JwtInvalidIssuerError,
  JwtInvalidAudienceError,
  JwtInvalidScopeError,
  JwtExpiredError,
  JwtNotBeforeError,
  CognitoJwtInvalidGroupError,
  CognitoJwtInvalidTokenUseError,
  CognitoJwtInvalidClientIdError,
  JwksValidationError,
  JwkValidationError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
  JwksNotAvailableInCacheError,
  JwkInvalidUseError,
  JwkInvalidKtyError,
  FetchError,
  AlbJwtInvalidSignerError,
  AlbJwtInvalidClientIdError,
}
