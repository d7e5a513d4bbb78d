// The error classes of token verification, as aws-jwt-verify names and nests them.

export class JwtBaseError extends Error {}
/** A check of the token failed: what it found (`actual`) and what was asked for (`expected`). */
export class FailedAssertionError extends JwtBaseError {
  constructor(message: string, actual?: unknown, expected?: unknown)
  failedAssertion: { actual: unknown; expected: unknown }
}
export class JwtParseError extends JwtBaseError {}
export class ParameterValidationError extends JwtBaseError {}
export class JwtInvalidSignatureError extends JwtBaseError {}
export class JwtInvalidSignatureAlgorithmError extends FailedAssertionError {}
/** A claim failed its check; with `includeRawJwtInErrors`, `rawJwt` holds the verified token. */
export class JwtInvalidClaimError extends FailedAssertionError {
  rawJwt?: { header: Record<string, unknown>; payload: Record<string, unknown> }
}
export class JwtInvalidIssuerError extends JwtInvalidClaimError {}
export class JwtInvalidAudienceError extends JwtInvalidClaimError {}
export class JwtInvalidScopeError extends JwtInvalidClaimError {}
export class JwtExpiredError extends JwtInvalidClaimError {}
export class JwtNotBeforeError extends JwtInvalidClaimError {}
export class CognitoJwtInvalidGroupError extends JwtInvalidClaimError {}
export class CognitoJwtInvalidTokenUseError extends JwtInvalidClaimError {}
export class CognitoJwtInvalidClientIdError extends JwtInvalidClaimError {}
export class JwksValidationError extends JwtBaseError {}
export class JwkValidationError extends JwtBaseError {}
export class JwtWithoutValidKidError extends JwtBaseError {}
export class KidNotFoundInJwksError extends JwtBaseError {}
export class WaitPeriodNotYetEndedJwkError extends JwtBaseError {}
export class JwksNotAvailableInCacheError extends JwtBaseError {}
export class JwkInvalidUseError extends FailedAssertionError {}
export class JwkInvalidKtyError extends FailedAssertionError {}
export class FetchError extends JwtBaseError {}
export class AlbJwtInvalidSignerError extends JwtInvalidClaimError {}
export class AlbJwtInvalidClientIdError extends JwtInvalidClaimError {}
