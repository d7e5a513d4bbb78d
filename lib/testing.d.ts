import cognitoUserPool = require('../index')

type Jwks = cognitoUserPool.Jwks
type Verifier = cognitoUserPool.Verifier
type VerifierOptions = cognitoUserPool.VerifierOptions
type PoolData = cognitoUserPool.PoolData

export interface MintOptions {
  sub?: string
  username?: string
  /** `cognito:groups`. */
  groups?: string[]
  /** Seconds the token lives from now (negative: already expired). Default 3600. */
  expiresIn?: number
  /** Seconds from now before which the token is not valid (`nbf`). */
  notBefore?: number
  /** The app client it is for (default: the issuer's). */
  clientId?: string
  /** Any other claims, over the minted ones. */
  claims?: Record<string, unknown>
}

export interface TestIssuer {
  readonly alg: 'RS256' | 'ES256'
  readonly userPoolId: string
  readonly clientId: string
  readonly issuer: string
  readonly kid: string
  readonly jwks: Jwks
  accessToken(options?: MintOptions & { scopes?: string[] }): string
  idToken(options?: MintOptions & { email?: string }): string
  tokens(options?: MintOptions & { scopes?: string[]; email?: string }): {
    accessToken: string
    accessTokenExpiresAt: number
    idToken: string
    idTokenExpiresAt: number
    refreshToken: string
  }
  verifier(options?: Partial<VerifierOptions>): Verifier
  serve(): Promise<{ jwksUrl: string; poolData: PoolData }>
  close(): Promise<void>
}

export function createTestIssuer(options?: { userPoolId?: string; clientId?: string; alg?: 'RS256' | 'ES256' }): TestIssuer
