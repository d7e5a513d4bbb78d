// Types of cognito-user-pool: the original's factory and 17 methods and the added ones, callback or promise form.

/** `require('cognito-user-pool')(poolData)`: never throws, never does I/O. */
declare function cognitoUserPool(poolData: cognitoUserPool.PoolData): cognitoUserPool.CognitoUserPool

declare namespace cognitoUserPool {
  export interface PoolData {
    /** `<region>_<id>`; the region is the part before `_`. */
    UserPoolId: string
    ClientId: string
    /** The app client's secret, when it has one: SECRET_HASH is added where Cognito needs it. While
     * a secret rotates, the two live ones: the first is used until Cognito refuses it, then the other. */
    ClientSecret?: string | [string] | [string, string]
    /** Override of the Cognito endpoint (else AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER / AWS_ENDPOINT_URL). */
    endpoint?: string
    /** How `login` signs in: proving the password by SRP (the default), sending it, or the
     * choice-based USER_AUTH flow (the app client needs ALLOW_USER_AUTH). */
    AuthFlow?: AuthFlow
    /** Bound on each call, in milliseconds (default 10000). */
    timeout?: number
    /** Where `verifyToken` gets the pool's keys (default: Cognito's JWKS URL for the pool). */
    jwksUrl?: string
    /** Accepted and ignored: randomness comes from the OS CSPRNG. */
    Paranoia?: number
    /** The pool's domain (`mypool.auth.<region>.amazoncognito.com`, a custom domain, or a URL), for
     * `exchangeCode` and `clientCredentials`. */
    domain?: string
    /** `ClientMetadata` every call sends where its operation takes it, under the call's own. */
    clientMetadata?: Record<string, string>
    /** Called with the new tokens whenever this package refreshed them (`refreshSession`, or a
     * method called with `{ username, refreshToken }`), before the call settles; awaited when it
     * returns a promise, and what it throws is what the call rejects with. With refresh token
     * rotation, the refresh token it receives is the one to use next. */
    onTokens?: (tokens: Tokens, context: { username: string }) => void | Promise<void>
  }

  /** An error as the callback or the promise receives it. */
  export interface CognitoError extends Error {
    /** Cognito's own code (e.g. `NotAuthorizedException`), or `InvalidParameterException`,
     * `NetworkError`, `UnknownError`, `InternalErrorException`. Equal to `name`. */
    code: string
    /** The HTTP status a service can forward: the server's for its answers, 400 for bad params,
     * 401 for a token a verifier refuses (503 when its keys cannot be had), 502 for an unusable
     * answer, 500 for an internal failure; absent on a `NetworkError`, when no HTTP answer came. */
    statusCode?: number
    /** Cognito's request id, when it sent one. */
    requestId?: string
    /** Whether the same call may succeed if made again. */
    retryable: boolean
    /** On an `AbortError`: whether a request of the call had already been sent when it was
     * aborted (true: Cognito may have acted on it; false: nothing was sent). */
    mayHaveReachedCognito?: boolean
  }

  export type Callback<T> = (err: CognitoError | null, result?: T) => void

  export interface Attribute {
    Name: string
    Value: string
  }

  export interface AttributeEdit {
    Name: string
    /** null, undefined or '' deletes the attribute. */
    Value?: string | null
  }

  /** A call authenticated by the user's tokens, or by a refresh token that is used first. */
  export type Auth =
    | { username: string; accessToken: string; idToken?: string; refreshToken?: undefined }
    | { username: string; refreshToken: string; accessToken?: string; idToken?: string; deviceKey?: string }

  export interface Tokens {
    refreshToken: string
    accessToken: string
    /** The access token's `exp`, in seconds since the epoch. */
    accessTokenExpiresAt: number
    idToken: string
    /** The id token's `exp`, in seconds since the epoch. */
    idTokenExpiresAt: number
  }

  export type AuthFlow = 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' | 'USER_AUTH'

  /** USER_AUTH's first factors: what `preferredChallenge` and `loginSelectChallenge` name. */
  export type FirstFactor = 'PASSWORD_SRP' | 'PASSWORD' | 'EMAIL_OTP' | 'SMS_OTP' | 'WEB_AUTHN'

  export type NextStepName =
    | 'MFA_AUTH'
    | 'NEW_PASSWORD_REQUIRED'
    | 'SOFTWARE_TOKEN_MFA'
    | 'SELECT_MFA_TYPE'
    | 'MFA_SETUP'
    | 'EMAIL_OTP'
    | 'SMS_OTP'
    | 'CUSTOM_CHALLENGE'
    | 'SELECT_CHALLENGE'
    | 'WEB_AUTHN'

  export interface NextStep {
    nextStep: NextStepName
    /** Pass it back to the method that answers this step. */
    loginSession: string
    /** Cognito's challenge parameters, for the steps the original did not know. */
    challengeParameters?: Record<string, string>
    /** SELECT_CHALLENGE: what `loginSelectChallenge` may choose. */
    availableChallenges?: FirstFactor[]
    /** WEB_AUTHN: the options for the browser's `navigator.credentials.get`
     * (`PublicKeyCredential.parseRequestOptionsFromJSON`). */
    credentialRequestOptions?: Record<string, unknown>
  }

  /** A device Cognito started tracking at this login (only for a caller who passed `device`):
   * `confirmDevice` gives it its secret. */
  export interface NewDevice {
    deviceKey: string
    deviceGroupKey: string
  }

  /** What `confirmDevice` resolves; a later login takes it as `device`. `devicePassword` exists
   * nowhere else: keep it as a refresh token is kept. */
  export interface ConfirmedDevice extends NewDevice {
    devicePassword: string
    /** The pool leaves it to the user: `updateDeviceStatus({ remembered: true })` remembers it. */
    userConfirmationNecessary: boolean
  }

  /** A login's `device`: `{}` to be told of a new device (`newDevice` in the tokens), or the
   * remembered device to sign in with (its DEVICE_SRP_AUTH is answered inside the call, so a
   * remembered device skips MFA when the pool says so). Without it a login is the original's. */
  export type DeviceParam = Record<string, never> | Omit<ConfirmedDevice, 'userConfirmationNecessary'>

  export type LoginResult = (Tokens & { newDevice?: NewDevice }) | NextStep

  /** What every step of a login also takes. */
  export interface LoginStep {
    username: string
    device?: DeviceParam
  }

  /** A passkey of the user. */
  export interface Passkey {
    credentialId: string
    friendlyCredentialName: string
    relyingPartyId: string
    authenticatorAttachment?: string | null
    authenticatorTransports: string[]
    /** Seconds since the epoch. */
    createdAt: number
  }

  export interface CodeDelivery {
    CodeDeliveryDetails: {
      Destination?: string
      DeliveryMedium?: 'SMS' | 'EMAIL'
      AttributeName?: string
    }
  }

  export type MfaOptions = [{ DeliveryMedium: 'SMS'; AttributeName: 'phone_number' }] | null

  /** What every method also takes: an AbortSignal ends the call at once with an `AbortError`
   * (no request is sent after the abort, and `mayHaveReachedCognito` says whether one had been;
   * the callback still runs once). */
  export interface CallOptions {
    signal?: AbortSignal
    /** `ClientMetadata` for the pool's Lambda triggers (over poolData's), where the operation takes it. */
    clientMetadata?: Record<string, string>
    /** `UserContextData` for threat protection, where the operation takes it. */
    userContext?: { ipAddress?: string; encodedData?: string }
  }

  /** The end user's request, for the admin sign-in's threat protection (Cognito's `ContextData`). */
  export interface ContextData {
    ipAddress: string
    serverName: string
    serverPath: string
    httpHeaders: Record<string, string>
    encodedData?: string
  }

  export type Method<P, R> = {
    (params: P & CallOptions, callback: Callback<R>): void
    (params: P & CallOptions): Promise<R>
  }

  export interface CognitoUserPool {
    /** A verifier of this pool's tokens: `clientId` defaults to poolData's, `tokenUse` to null
     * (either); poolData's `jwksUrl` and `timeout` apply. */
    verifier(options?: Partial<VerifierOptions>): Verifier
    /** Sessions for this pool's users: sealed under `secrets`, kept in `store`, verified locally,
     * refreshed near expiry (single-flight), ended with RevokeToken. See README, Sessions. */
    sessions(options: SessionOptions): Sessions
    /** Every item of a list call, page after page (each page one call, with `signal` and the timeout). */
    paginate(method: 'listUsers', params?: { filter?: string; limit?: number; signal?: AbortSignal }): AsyncIterable<AdminUser>
    paginate(method: 'listUsersInGroup', params: { groupName: string; limit?: number; signal?: AbortSignal }): AsyncIterable<AdminUser>
    paginate(method: 'listGroups', params?: { limit?: number; signal?: AbortSignal }): AsyncIterable<Group>
    paginate(method: 'adminListDevices', params: { username: string; limit?: number; signal?: AbortSignal }): AsyncIterable<Device>
    paginate(
      method: 'adminListUserAuthEvents',
      params: { username: string; limit?: number; signal?: AbortSignal },
    ): AsyncIterable<AuthEvent>
    paginate(method: 'listUserImportJobs', params?: { limit?: number; signal?: AbortSignal }): AsyncIterable<ImportJob>
    paginate(
      method: 'listWebAuthnCredentials',
      params: Auth & { limit?: number; signal?: AbortSignal },
    ): AsyncIterable<Record<string, unknown>>
    signup: Method<{ username: string; password: string; attributes?: Attribute[] }, { username: string }>
    signupConfirm: Method<{ username: string; confirmationCode: string }, 'SUCCESS'>
    signupResend: Method<{ username: string }, CodeDelivery>
    /** Under USER_AUTH, `password` is optional: with it (and no `preferredChallenge`) the password
     * is proven by SRP; without it Cognito's SELECT_CHALLENGE comes back as the next step. */
    login: Method<
      LoginStep &
        (
          | { password: string; authFlow?: AuthFlow; preferredChallenge?: FirstFactor }
          | { password?: string; authFlow: 'USER_AUTH'; preferredChallenge?: FirstFactor }
          | { password?: string; authFlow?: 'USER_AUTH'; preferredChallenge: FirstFactor }
        ),
      LoginResult
    >
    /** The server-side sign-in (AdminInitiateAuth, ADMIN_USER_PASSWORD_AUTH), with IAM credentials;
     * its next steps are answered by the same methods as `login`'s. */
    adminLogin: Method<LoginStep & { password: string; contextData?: ContextData }, LoginResult>
    /** Answers the code challenge the session holds (SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP, SMS_OTP). */
    loginMfa: Method<
      LoginStep & {
        loginSession: string
        mfaCode: string
        /** Only for a session obtained elsewhere: which challenge it holds. */
        mfaType?: 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA' | 'EMAIL_OTP' | 'SMS_OTP'
      },
      LoginResult
    >
    loginNewPasswordRequired: Method<
      LoginStep & {
        loginSession: string
        newPassword: string
        /** `{ name: value }`, as the original took them, or a `[{ Name, Value }]` list. */
        attributes?: Record<string, string> | Attribute[]
      },
      LoginResult
    >
    logout: Method<Auth, 'SUCCESS'>
    /** With a client secret and users who sign in with an alias, pass an old accessToken or idToken
     * too: SECRET_HASH must use Cognito's internal name for the user, which they carry. */
    /** Refreshes through GetTokensFromRefreshToken; resolves the rotated refresh token when the app
     * client rotates them, else the given one. */
    refreshSession: Method<{ username: string; refreshToken: string; accessToken?: string; idToken?: string; deviceKey?: string }, Tokens>
    getMfa: Method<Auth, MfaOptions>
    setMfa: Method<Auth & { enableMfa?: boolean }, 'SUCCESS'>
    profile: Method<Auth, Attribute[]>
    /** Without `attributes` (as the original allowed) nothing is changed. */
    profileEdit: Method<Auth & { attributes?: AttributeEdit[] }, 'SUCCESS'>
    profileAttributeConfirm: Method<Auth & { attribute: string; confirmationCode: string }, 'SUCCESS'>
    profileEditPhoneNumber: Method<Auth & { phone_number?: string | null }, 'SUCCESS'>
    passwordChange: Method<Auth & { oldPassword: string; newPassword: string }, 'SUCCESS'>
    passwordForgot: Method<{ username: string }, CodeDelivery>
    passwordReset: Method<{ username: string; passwordResetCode: string; newPassword: string }, 'SUCCESS'>

    // Beyond the original
    /** Sends (again) the code that `profileAttributeConfirm` takes. */
    profileAttributeResend: Method<Auth & { attribute: string }, CodeDelivery>
    /** Starts enrolling an authenticator app. */
    totpAssociate: Method<Auth & { issuer?: string }, { secretCode: string; otpauthUri: string }>
    /** Finishes enrolling with a first code from the app. */
    totpVerify: Method<Auth & { totpCode: string; deviceName?: string }, 'SUCCESS'>
    /** Turns each MFA factor on or off and picks the preferred one; factors left out keep their setting. */
    setMfaPreference: Method<Auth & { sms?: MfaFactor; totp?: MfaFactor; email?: MfaFactor }, 'SUCCESS'>
    /** The refresh token and every token it issued stop working. */
    revokeToken: Method<{ refreshToken: string }, 'SUCCESS'>
    /** The user deletes their own account. */
    deleteUser: Method<Auth, 'SUCCESS'>
    /** Verifies an id or access token locally against the pool's JWKS, for poolData's app client;
     * resolves its claims, else a {@link VerifyErrorCode}. */
    verifyToken: Method<{ token: string; tokenUse?: 'id' | 'access'; graceSeconds?: number }, Claims>
    /** Answers SELECT_MFA_TYPE with the factor the user picked. */
    loginSelectMfaType: Method<LoginStep & { loginSession: string; mfaType: 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA' | 'EMAIL_OTP' }, LoginResult>
    /** Answers a CUSTOM_CHALLENGE set by the pool's Lambda triggers. */
    loginCustomChallenge: Method<LoginStep & { loginSession: string; answer: string }, LoginResult>
    /** MFA_SETUP step: starts enrolling an authenticator app within the login. */
    loginMfaSetup: Method<
      { username: string; loginSession: string; issuer?: string },
      { secretCode: string; otpauthUri: string; loginSession: string }
    >
    /** MFA_SETUP step: the app's first code; resolves tokens or the next step. */
    loginMfaSetupVerify: Method<LoginStep & { loginSession: string; totpCode: string }, LoginResult>
    /** USER_AUTH's SELECT_CHALLENGE: PASSWORD_SRP and PASSWORD take `password`; EMAIL_OTP and
     * SMS_OTP resolve the code step (answered by `loginMfa`), WEB_AUTHN the passkey step. */
    loginSelectChallenge: Method<LoginStep & { loginSession: string; challenge: FirstFactor; password?: string }, LoginResult>
    /** WEB_AUTHN step: the browser's assertion (`navigator.credentials.get(...)`'s `toJSON()`). */
    loginWebAuthn: Method<LoginStep & { loginSession: string; credential: object | string }, LoginResult>
    /** The devices Cognito remembers for the user. */
    listDevices: Method<Auth, Device[]>
    /** The user's second factors and the first factors it can sign in with (choice-based sign-in). */
    getUserAuthFactors: Method<Auth, AuthFactors>
    /** The authorization code grant at poolData's `domain` (with the PKCE verifier when the code was
     * asked for with a challenge); the app client's secret goes by HTTP Basic. */
    exchangeCode: Method<{ code: string; redirectUri: string; codeVerifier?: string; nonce?: string }, Tokens>
    /** A machine-to-machine access token (client_credentials grant), kept until shortly before it
     * expires; one request in flight per scope set. */
    clientCredentials: Method<{ scopes?: string | string[]; via?: 'domain' | 'api' }, { accessToken: string; expiresAt: number }>
    forgetDevice: Method<Auth & { deviceKey: string }, 'SUCCESS'>
    /** Gives the `newDevice` of a login its secret (an SRP verifier of a random password). */
    confirmDevice: Method<Auth & NewDevice & { deviceName?: string }, ConfirmedDevice>
    /** A remembered device skips MFA at later logins (when the pool says so). */
    updateDeviceStatus: Method<Auth & { deviceKey: string; remembered: boolean }, 'SUCCESS'>
    getDevice: Method<Auth & { deviceKey: string }, Device>
    /** Passkey registration, first half: the options for `navigator.credentials.create`
     * (`PublicKeyCredential.parseCreationOptionsFromJSON`). */
    startWebAuthnRegistration: Method<Auth, { credentialCreationOptions: Record<string, unknown> }>
    /** Passkey registration, second half: the browser's new credential (its `toJSON()`). */
    completeWebAuthnRegistration: Method<Auth & { credential: object | string }, 'SUCCESS'>
    listWebAuthnCredentials: Method<
      Auth & { limit?: number; paginationToken?: string },
      { credentials: Passkey[]; paginationToken?: string | null }
    >
    deleteWebAuthnCredential: Method<Auth & { credentialId: string }, 'SUCCESS'>

    // Admin calls, signed with the process's AWS credentials (default chain)
    adminCreateUser: Method<
      { username: string; temporaryPassword?: string; attributes?: Attribute[]; suppressMessage?: boolean },
      AdminUser
    >
    adminGetUser: Method<{ username: string }, AdminUser>
    listUsers: Method<
      { filter?: string; limit?: number; paginationToken?: string },
      { users: AdminUser[]; paginationToken?: string | null }
    >
    adminListGroupsForUser: Method<{ username: string }, string[]>
    adminDeleteUser: Method<{ username: string }, 'SUCCESS'>
    adminDisableUser: Method<{ username: string }, 'SUCCESS'>
    adminEnableUser: Method<{ username: string }, 'SUCCESS'>
    adminResetUserPassword: Method<{ username: string }, 'SUCCESS'>
    adminConfirmSignUp: Method<{ username: string }, 'SUCCESS'>
    adminUserGlobalSignOut: Method<{ username: string }, 'SUCCESS'>
    adminSetUserPassword: Method<{ username: string; password: string; permanent?: boolean }, 'SUCCESS'>
    adminAddUserToGroup: Method<{ username: string; groupName: string }, 'SUCCESS'>
    adminRemoveUserFromGroup: Method<{ username: string; groupName: string }, 'SUCCESS'>
    adminUpdateUserAttributes: Method<{ username: string; attributes: Attribute[] }, 'SUCCESS'>
    adminDeleteUserAttributes: Method<{ username: string; attributeNames: string[] }, 'SUCCESS'>
    adminSetUserMfaPreference: Method<{ username: string; sms?: MfaFactor; totp?: MfaFactor; email?: MfaFactor }, 'SUCCESS'>
    adminGetUserAuthFactors: Method<{ username: string }, AuthFactors>
    adminDeleteSoftwareToken: Method<{ username: string }, 'SUCCESS'>
    // Threat protection's record, federation links
    adminListUserAuthEvents: Method<
      { username: string; limit?: number; paginationToken?: string },
      { authEvents: AuthEvent[]; paginationToken?: string | null }
    >
    adminUpdateAuthEventFeedback: Method<{ username: string; eventId: string; feedback: 'Valid' | 'Invalid' }, 'SUCCESS'>
    adminLinkProviderForUser: Method<{ destinationUser: ProviderIdentity; sourceUser: ProviderIdentity }, 'SUCCESS'>
    adminDisableProviderForUser: Method<{ user: ProviderIdentity }, 'SUCCESS'>
    // The app client's secrets (two may be live at once, for a rotation)
    addUserPoolClientSecret: Method<{ clientSecret?: string }, ClientSecretInfo & { clientSecretValue: string }>
    listUserPoolClientSecrets: Method<{ paginationToken?: string }, { clientSecrets: ClientSecretInfo[]; paginationToken?: string | null }>
    deleteUserPoolClientSecret: Method<{ clientSecretId: string }, 'SUCCESS'>
    // The pool's groups
    listGroups: Method<{ limit?: number; paginationToken?: string }, { groups: Group[]; paginationToken?: string | null }>
    listUsersInGroup: Method<
      { groupName: string; limit?: number; paginationToken?: string },
      { users: AdminUser[]; paginationToken?: string | null }
    >
    getGroup: Method<{ groupName: string }, Group>
    createGroup: Method<GroupSettings, Group>
    updateGroup: Method<GroupSettings, Group>
    deleteGroup: Method<{ groupName: string }, 'SUCCESS'>
    // A user's devices, by username
    adminListDevices: Method<
      { username: string; limit?: number; paginationToken?: string },
      { devices: Device[]; paginationToken?: string | null }
    >
    adminGetDevice: Method<{ username: string; deviceKey: string }, Device>
    adminForgetDevice: Method<{ username: string; deviceKey: string }, 'SUCCESS'>
    adminUpdateDeviceStatus: Method<{ username: string; deviceKey: string; remembered: boolean }, 'SUCCESS'>
    // User import jobs (`importUsers` runs them in order)
    getCsvHeader: Method<Record<string, never>, { csvHeader: string[] }>
    createUserImportJob: Method<
      { jobName: string; cloudWatchLogsRoleArn: string; passwordHashingAlgorithm?: PasswordHashingAlgorithm },
      ImportJob & { preSignedUrl: string }
    >
    startUserImportJob: Method<{ jobId: string }, ImportJob>
    describeUserImportJob: Method<{ jobId: string }, ImportJob>
    stopUserImportJob: Method<{ jobId: string }, ImportJob>
    listUserImportJobs: Method<
      { limit?: number; paginationToken?: string },
      { userImportJobs: ImportJob[]; paginationToken?: string | null }
    >
    /** Users moved into the pool by one import job, followed until it ends: resolves the job
     * when it Succeeded, rejects with `UserImportJobFailed` (and `err.job`) otherwise; errors after
     * the job was created carry `err.jobId`. An abort stops the waiting, not the job. */
    importUsers(users: Iterable<ImportRecord> | AsyncIterable<ImportRecord>, options: ImportOptions): Promise<ImportJob>
  }

  export type PasswordHashingAlgorithm = 'BCRYPT' | 'SCRYPT' | 'ARGON2ID' | 'PBKDF2_SHA256'

  /** One user to import: `attributes` keyed by the columns of the pool's CSV header
   * (`getCsvHeader`), a password hash under the column the header names for it. */
  export interface ImportRecord {
    username: string
    attributes?: Record<string, string | number | boolean>
    mfaEnabled?: boolean
  }

  export interface ImportOptions {
    jobName: string
    /** The role Cognito logs the job's results to CloudWatch with. */
    cloudWatchLogsRoleArn: string
    passwordHashingAlgorithm?: PasswordHashingAlgorithm
    /** Called with the job after it starts and at each poll until it ends. */
    onProgress?: (job: ImportJob) => void
    /** Milliseconds between polls (5000). */
    pollInterval?: number
    signal?: AbortSignal
  }

  /** A user import job; dates in seconds. */
  export interface ImportJob {
    jobId: string
    jobName: string
    status: 'Created' | 'Pending' | 'InProgress' | 'Stopping' | 'Expired' | 'Stopped' | 'Failed' | 'Succeeded'
    createdAt?: number | null
    startedAt?: number | null
    completedAt?: number | null
    importedUsers: number
    skippedUsers: number
    failedUsers: number
    completionMessage?: string | null
    passwordHashingAlgorithm?: PasswordHashingAlgorithm | null
    cloudWatchLogsRoleArn?: string | null
  }

  export interface ClientSecretInfo {
    clientSecretId: string
    /** Seconds since the epoch. */
    createdAt?: number | null
  }

  export interface ProviderIdentity {
    providerName: string
    providerAttributeName?: string
    providerAttributeValue: string
  }

  /** One sign-in event; dates in seconds, what Cognito did not record null. */
  export interface AuthEvent {
    eventId: string | null
    eventType: string | null
    createdAt: number | null
    eventResponse: string | null
    riskDecision: string | null
    riskLevel: string | null
    compromisedCredentialsDetected: boolean | null
    ipAddress: string | null
    deviceName: string | null
    city: string | null
    country: string | null
    feedback: string | null
  }

  export interface Group {
    groupName: string
    description?: string | null
    precedence?: number | null
    roleArn?: string | null
    /** Seconds since the epoch. */
    createdAt?: number | null
    lastModifiedAt?: number | null
  }

  export interface GroupSettings {
    groupName: string
    description?: string
    precedence?: number
    roleArn?: string
  }

  export interface AdminUser {
    username: string
    attributes: Attribute[]
    enabled: boolean
    userStatus: string
    /** Seconds since the epoch. */
    createdAt?: number
  }

  export interface Device {
    DeviceKey: string
    DeviceAttributes: Attribute[]
    /** Seconds since the epoch. */
    LastAuthenticatedDate?: number
  }

  export interface AuthFactors {
    preferredMfaSetting?: string | null
    userMfaSettingList: string[]
    /** `PASSWORD`, `EMAIL_OTP`, `SMS_OTP`, `WEB_AUTHN`. */
    configuredUserAuthFactors: string[]
  }

  export interface MfaFactor {
    enabled: boolean
    preferred?: boolean
  }

  /** A verified token's claims. */
  export type Claims = Record<string, unknown> & { sub?: string; iss?: string; exp?: number; token_use?: 'id' | 'access' }

  /** One code per way a token fails, named as aws-jwt-verify names its error classes; every one
   * has `statusCode` 401 except `JwksNotAvailableInCacheError` and `FetchError` (503). Bad
   * options or a token that is not a string are `InvalidParameterException` (400). */
  export type VerifyErrorCode =
    | 'JwtParseError'
    | 'JwtInvalidSignatureError'
    | 'JwtInvalidSignatureAlgorithmError'
    | 'JwtExpiredError'
    | 'JwtNotBeforeError'
    | 'JwtInvalidIssuerError'
    | 'CognitoJwtInvalidClientIdError'
    | 'CognitoJwtInvalidTokenUseError'
    | 'JwtInvalidScopeError'
    | 'CognitoJwtInvalidGroupError'
    | 'JwtWithoutValidKidError'
    | 'KidNotFoundInJwksError'
    | 'JwksNotAvailableInCacheError'
    | 'FetchError'

  export interface Jwks {
    keys: Array<Record<string, unknown>>
  }

  /** The two checks a verification must have, from the verifier or from its own options:
   * `undefined` is refused, `null` is the explicit "no check". */
  export interface RequiredChecks {
    /** `'id'`, `'access'`, or null for either. */
    tokenUse: 'id' | 'access' | null
    /** The app client (`aud` of an id token, `client_id` of an access token), any of a list, or
     * null to accept every client of the pool. */
    clientId: string | string[] | null
  }

  /** What one verification may give of its own, over the verifier's (aws-jwt-verify's
   * per-call properties). */
  export interface VerifyProperties extends Partial<RequiredChecks> {
    /** Any of these in an access token's `aud`: the resource server it is bound to (RFC 8707).
     * Id tokens' `aud` is their app client, checked by `clientId`. */
    audience?: string | string[] | null
    /** Any of these in the token's `scope`. */
    scope?: string | string[] | null
    /** Any of these in the token's `cognito:groups`. */
    groups?: string | string[] | null
    /** Leeway for `exp` and `nbf` (0 to 86400). */
    graceSeconds?: number
    /** A claim check's error (a `JwtInvalidClaimError`) then carries the verified token as
     * `rawJwt: { header, payload }`. */
    includeRawJwtInErrors?: boolean
    /** Runs after every other check; what it throws is what verify rejects with. Must be
     * synchronous for `verifySync`. */
    customJwtCheck?: (input: {
      header: Record<string, unknown>
      payload: Claims
      jwk: Record<string, unknown> | null
    }) => void | Promise<void>
  }

  /** What a verifier requires of one pool's tokens, as aws-jwt-verify's `CognitoJwtVerifier.create`. */
  export interface VerifierOptions extends Omit<VerifyProperties, keyof RequiredChecks>, RequiredChecks {
    userPoolId: string
    /** Where the pool's keys are fetched (default: Cognito's JWKS URL for the pool). */
    jwksUri?: string
    /** The pool's keys, given instead of fetched (tests, air-gapped services). */
    jwks?: Jwks
    /** The regions a multi-region pool's replicas issue tokens from (their issuer names the
     * replica's region; their keys come from its JWKS URL). */
    replicaRegions?: string[]
  }

  /** A verifier's options without `tokenUse` or `clientId`: each verification gives them. */
  export type PartialVerifierOptions = Omit<VerifierOptions, keyof RequiredChecks> & Partial<RequiredChecks>

  export interface Verifier {
    /** The claims of a token that passes every check; rejects with a coded error. Fetches the
     * pool's keys when they are not known (one request at a time, at most every 30 s). */
    verify(token: string, props?: VerifyProperties): Promise<Claims>
    /** The same with the keys known now; throws a coded error (`JwksNotAvailableInCacheError`
     * before the keys are loaded). */
    verifySync(token: string, props?: VerifyProperties): Claims
    /** Loads every pool's keys ahead of the first request. */
    hydrate(): Promise<void>
    /** Keys given directly, for the only pool or the one named. */
    cacheJwks(jwks: Jwks, userPoolId?: string): void
  }

  /** A verifier of one pool's tokens, or of several pools' (each with its own checks). Never
   * throws: bad options are reported by every verification. */
  export function createVerifier(options: VerifierOptions & VerifierSettings, settings?: VerifierSettings): Verifier
  export function createVerifier(options: Array<VerifierOptions | IssuerOptions>, settings?: VerifierSettings): Verifier
  /** A verifier made without `tokenUse` or `clientId`: every verification gives both. */
  export function createVerifier(options: PartialVerifierOptions & VerifierSettings, settings?: VerifierSettings): VerifierNeedingChecks

  /** Any OIDC issuer's tokens (Entra ID, Auth0, Okta, Keycloak...), as aws-jwt-verify's
   * `JwtVerifier.create`: no Cognito claim (`token_use`, `client_id`) is asked for. */
  export interface IssuerOptions extends Omit<VerifyProperties, keyof RequiredChecks | 'groups'> {
    /** The token's `iss`, exactly; null checks none (a verifier of one issuer only; `jwksUri` then required). */
    issuer: string | null
    /** Any of these in the token's `aud`, or null for any audience: required here or by each verification. */
    audience?: string | string[] | null
    /** Where the issuer's keys are fetched (default: the issuer's `/.well-known/jwks.json`). */
    jwksUri?: string
    /** The issuer's keys, given instead of fetched. */
    jwks?: Jwks
  }

  /** aws-jwt-verify's factories by their names: the same verifier as `createVerifier`. */
  export const CognitoJwtVerifier: {
    create: typeof createVerifier
    /** The pool's issuer and JWKS URL; throws `InvalidParameterException` for anything else. */
    parseUserPoolId(userPoolId: string): { issuer: string; jwksUri: string }
  }
  export const JwtVerifier: {
    create(options: (IssuerOptions & VerifierSettings) | Array<IssuerOptions | VerifierOptions>, settings?: VerifierSettings): Verifier
  }

  /** One load balancer setup's options, as aws-jwt-verify's `AlbJwtVerifier.create` takes them. */
  export interface AlbVerifierOptions {
    /** The load balancer's ARN, or several (one region unless `jwksUri` is given). */
    albArn: string | string[]
    /** The token's `iss` (the identity provider behind the load balancer), or null for no check. */
    issuer: string | null
    /** The header's `client` among these, or null for any: here or by each verification. */
    clientId?: string | string[] | null
    /** The key endpoint (default: the region's `https://public-keys.auth.elb.<region>.amazonaws.com`). */
    jwksUri?: string
    graceSeconds?: number
    includeRawJwtInErrors?: boolean
    customJwtCheck?: (input: { header: Record<string, unknown>; payload: Claims; jwk: Record<string, unknown> }) => void | Promise<void>
  }

  export interface AlbVerifier {
    verify(
      token: string,
      props?: { clientId?: string | string[] | null; graceSeconds?: number; includeRawJwtInErrors?: boolean },
    ): Promise<Claims>
    verifySync(
      token: string,
      props?: { clientId?: string | string[] | null; graceSeconds?: number; includeRawJwtInErrors?: boolean },
    ): Claims
    cacheJwks(jwks: Jwks, issuer?: string): void
  }

  /** Tokens an AWS Application Load Balancer signs (`x-amzn-oidc-data`), as aws-jwt-verify's AlbJwtVerifier. */
  export const AlbJwtVerifier: {
    create(
      options: AlbVerifierOptions | AlbVerifierOptions[],
      settings?: { timeout?: number; fetcher?: (keyUrl: string, timeoutMs: number) => Promise<string> },
    ): AlbVerifier
  }

  /** A verifier's settings as a whole: with a single pool's options, or beside a list of them. */
  export interface VerifierSettings {
    /** JWKS fetch timeout, ms (default 3000). */
    timeout?: number
    /** After a fetch, how long an unknown `kid` waits before the JWKS is fetched again
     * (aws-jwt-verify's `SimplePenaltyBox({ waitSeconds })`; default 30, 0 to 3600). */
    jwksWaitSeconds?: number
    /** Keep verified tokens (by the whole token) so that a token seen again skips its signature,
     * never its checks or its expiry: `true` (10,000 tokens, 32 MiB) or the bounds. */
    tokenCache?: boolean | { maxEntries?: number; maxBytes?: number }
    /** Fetches a JWKS URL instead of the built-in HTTP client (a proxy, a service mesh, a cache
     * of your own): one call per URL at a time, under the same `jwksWaitSeconds` window. */
    fetcher?: (jwksUri: string) => Promise<Jwks>
    /** aws-jwt-verify's JwksCache (its SimpleJwksCache or your own): asked `getJwks(jwksUri)` for
     * the whole JWKS, under the same window and timeout; instead of `fetcher`. */
    jwksCache?: { getJwks(jwksUri: string): Promise<Jwks> }
  }

  /** A verifier whose verifications must each give `tokenUse` and `clientId`. */
  export interface VerifierNeedingChecks extends Omit<Verifier, 'verify' | 'verifySync'> {
    verify(token: string, props: VerifyProperties & RequiredChecks): Promise<Claims>
    verifySync(token: string, props: VerifyProperties & RequiredChecks): Claims
  }

  /** What `pool.sessions()` takes. */
  export interface SessionOptions {
    /** Seals cookies and stored sessions (AES-256-GCM): the first seals, all unseal, so a secret
     * rotates by putting the new one first. Each at least 32 characters. */
    secrets: string | string[]
    /** Where sessions live: 'memory' (the default: one process), 'cookie' (sealed in the cookie,
     * no server state) or a store (`redisStore(client)` for a fleet, or your own). */
    store?: 'memory' | 'cookie' | SessionStore
    cookie?: CookieOptions
    /** The session's whole life in seconds, whatever the refreshes (default 30 days). */
    maxAge?: number
    /** Refresh when the access token has this many seconds left or fewer (default 60). */
    refreshMargin?: number
    /** Bound on each store call and on the wait for another process's refresh, ms (default poolData's timeout). */
    timeout?: number
  }

  export interface CookieOptions {
    /** Default 'session'; written `__Host-session` when Secure, on path / and without a domain. */
    name?: string
    path?: string
    domain?: string
    sameSite?: 'lax' | 'strict' | 'none'
    /** 'auto' (the default): Secure except for a loopback host. */
    secure?: boolean | 'auto'
  }

  /** What a store offers: sealed strings by session id, and a lock and a compare-and-set for the refresh. */
  export interface SessionStore {
    kind?: string
    get(id: string): Promise<string | null>
    set(id: string, value: string, ttlMs: number): Promise<void>
    replace(id: string, expected: string, value: string, ttlMs: number): Promise<boolean>
    destroy(id: string): Promise<void>
    lock(id: string, ttlMs: number): Promise<string | null>
    unlock(id: string, token: string): Promise<void>
  }

  /** The embedded store (one process), bounded: the least recently used session goes first. */
  export function memoryStore(options?: { max?: number }): SessionStore
  /** Sessions in Redis, for a fleet: a connected client of `redis` (node-redis) or `ioredis`. */
  export function redisStore(client: unknown, options?: { prefix?: string }): SessionStore

  /** A signed-in user as the app sees it; no token shows in its JSON or inspection. */
  export interface Session {
    readonly id: string
    readonly username: string
    /** The access token's verified claims. */
    readonly claims: Claims & { exp: number; scope?: string; 'cognito:groups'?: string[] }
    /** The id token's claims, verified when the session started or last refreshed. */
    readonly idClaims: Claims | null
    readonly expiresAt: number
    readonly accessTokenExpiresAt: number
    /** Spread into any method's params to act as the user: `pool.profile({ ...session.auth })`. */
    readonly auth: { username: string; accessToken: string; idToken?: string }
  }

  /** The request as the core reads it: its Cookie header and Host. */
  export interface SessionRequestView {
    cookie?: string
    host?: string
  }

  export interface SessionRequirements {
    /** Any one of these scopes. */
    scopes?: string[]
    /** Any one of these groups. */
    groups?: string[]
  }

  export interface SessionEnd {
    ended: boolean
    revoked: boolean
  }

  /** What the Express middleware and the Fastify plugin put on each request. */
  export interface SessionRequestFields {
    session: Session | null
    startSession(tokens: Tokens): Promise<Session>
    endSession(options?: { global?: boolean }): Promise<SessionEnd>
  }

  export interface Sessions {
    readonly storeKind: string
    start(tokens: Tokens, request?: SessionRequestView): Promise<{ session: Session; setCookie: string[] }>
    read(request?: SessionRequestView): Promise<{ session: Session | null; setCookie: string[] }>
    end(request?: SessionRequestView, options?: { global?: boolean }): Promise<SessionEnd & { setCookie: string[] }>
    /** Express/Connect middleware. */
    express(): (req: any, res: any, next: (err?: unknown) => void) => void
    /** Express/Connect route guard: 401 without a session, 403 without a required scope or group. */
    guard(requirements?: SessionRequirements): (req: any, res: any, next: (err?: unknown) => void) => void
    /** The Fastify plugin. */
    readonly fastify: (app: any) => Promise<void>
    /** A Fastify preHandler guard. */
    fastifyGuard(requirements?: SessionRequirements): (request: any, reply: any) => Promise<unknown>
    readonly web: {
      read(request: Request): Promise<{ session: Session | null; setCookie: string[] }>
      start(request: Request, tokens: Tokens): Promise<{ session: Session; setCookie: string[] }>
      end(request: Request, options?: { global?: boolean }): Promise<SessionEnd & { setCookie: string[] }>
      withCookies(response: Response, setCookie: string[]): Response
      guard(
        request: Request,
        requirements?: SessionRequirements,
      ): Promise<
        { session: Session; setCookie: string[]; response?: undefined } | { response: Response; session?: undefined; setCookie?: undefined }
      >
    }
  }

  /** The same factory, for `import cognitoUserPool from 'cognito-user-pool'`. */
  const _default: typeof cognitoUserPool
  export { _default as default }
}

export = cognitoUserPool
