// Compiled (not run) by __test__/package.spec.js: a TypeScript consumer of the public types.
import cognitoUserPool = require('../..')

const pool = cognitoUserPool({ UserPoolId: 'us-east-1_AbCdEf123', ClientId: 'client', AuthFlow: 'USER_SRP_AUTH' })

async function flows(): Promise<void> {
  const result = await pool.login({ username: 'alice', password: 'pw' })
  if ('nextStep' in result) {
    const step: cognitoUserPool.NextStepName = result.nextStep
    const tokens = await pool.loginMfa({ username: 'alice', loginSession: result.loginSession, mfaCode: '123456' })
    void step
    void tokens
  } else {
    const expires: number = result.idTokenExpiresAt
    const profile: cognitoUserPool.Attribute[] = await pool.profile({ username: 'alice', accessToken: result.accessToken })
    void expires
    void profile
  }
  const mfa: cognitoUserPool.MfaOptions = await pool.getMfa({ username: 'alice', refreshToken: 'r' })
  void mfa
  const ok: 'SUCCESS' = await pool.setMfaPreference({ username: 'alice', accessToken: 'a', totp: { enabled: true, preferred: true } })
  void ok
}

pool.signup({ username: 'bob', password: 'pw', attributes: [{ Name: 'email', Value: 'b@x.com' }] }, (err, res) => {
  if (err) {
    const code: string = err.code
    const status: number | undefined = err.statusCode
    void code
    void status
    return
  }
  const name: string | undefined = res?.username
  void name
})

async function rotation(): Promise<void> {
  const store = new Map<string, string>()
  const rotating = cognitoUserPool({
    UserPoolId: 'us-east-1_AbCdEf123',
    ClientId: 'client',
    onTokens: async (tokens, { username }) => void store.set(username, tokens.refreshToken),
  })
  const controller = new AbortController()
  const attributes = await rotating.profile({ username: 'alice', refreshToken: store.get('alice') ?? '', signal: controller.signal })
  void attributes
}

async function verification(): Promise<void> {
  const verifier = cognitoUserPool.createVerifier({
    userPoolId: 'us-east-1_AbCdEf123',
    tokenUse: 'access',
    clientId: ['web', 'mobile'],
    scope: 'read',
    graceSeconds: 5,
  })
  await verifier.hydrate()
  const claims: cognitoUserPool.Claims = await verifier.verify('token')
  const sub: string | undefined = verifier.verifySync('token').sub
  const fromPool = pool.verifier({ groups: ['admins'], customJwtCheck: ({ payload }) => void payload.exp })
  const ported = cognitoUserPool.createVerifier({ userPoolId: 'us-east-1_AbCdEf123' })
  const portedClaims: cognitoUserPool.Claims = await ported.verify('token', { tokenUse: 'access', clientId: 'web', groups: 'admins' })
  void portedClaims
  void verifier.verifySync('token', { scope: 'read', graceSeconds: 5, customJwtCheck: ({ header }) => void header })
  const entra = cognitoUserPool.JwtVerifier.create({
    issuer: 'https://login.microsoftonline.com/tenant/v2.0',
    audience: 'api://orders',
    jwksUri: 'https://login.microsoftonline.com/tenant/discovery/v2.0/keys',
  })
  void entra.verifySync('token', { audience: null })
  const several = cognitoUserPool.createVerifier([
    { userPoolId: 'us-east-1_AbCdEf123', tokenUse: null, clientId: null },
    { userPoolId: 'eu-west-1_Other1', tokenUse: 'id', clientId: 'web', jwks: { keys: [] } },
  ])
  try {
    await fromPool.verify('token')
  } catch (err) {
    const code = (err as cognitoUserPool.CognitoError).code as cognitoUserPool.VerifyErrorCode
    void code
  }
  void claims
  void sub
  void several
}

async function everyWayToSignIn(): Promise<void> {
  const auth = { username: 'alice', accessToken: 'a' }
  const first = await pool.login({ username: 'alice', authFlow: 'USER_AUTH' })
  if ('nextStep' in first && first.nextStep === 'SELECT_CHALLENGE') {
    const choices: cognitoUserPool.FirstFactor[] = first.availableChallenges ?? []
    const next = await pool.loginSelectChallenge({ username: 'alice', loginSession: first.loginSession, challenge: choices[0] })
    if ('nextStep' in next && next.nextStep === 'WEB_AUTHN') {
      const options: Record<string, unknown> | undefined = next.credentialRequestOptions
      await pool.loginWebAuthn({ username: 'alice', loginSession: next.loginSession, credential: { id: 'c', options } })
    }
  }
  const signedIn = await pool.login({ username: 'alice', password: 'p', device: {} })
  if ('newDevice' in signedIn && signedIn.newDevice) {
    const device = await pool.confirmDevice({ ...auth, ...signedIn.newDevice, deviceName: 'Chrome' })
    await pool.updateDeviceStatus({ ...auth, deviceKey: device.deviceKey, remembered: true })
    const { userConfirmationNecessary: _, ...remembered } = device
    await pool.login({ username: 'alice', password: 'p', device: remembered })
    const got: cognitoUserPool.Device = await pool.getDevice({ ...auth, deviceKey: device.deviceKey })
    void got
  }
  const { credentialCreationOptions } = await pool.startWebAuthnRegistration(auth)
  await pool.completeWebAuthnRegistration({ ...auth, credential: JSON.stringify(credentialCreationOptions) })
  const { credentials } = await pool.listWebAuthnCredentials({ ...auth, limit: 5 })
  const passkey: cognitoUserPool.Passkey | undefined = credentials[0]
  if (passkey) await pool.deleteWebAuthnCredential({ ...auth, credentialId: passkey.credentialId })
}

void flows
void everyWayToSignIn
void verification
void rotation

async function sessionsAsAUser(): Promise<void> {
  const sessions = pool.sessions({
    secrets: [process.env.SECRET ?? ''],
    store: cognitoUserPool.memoryStore({ max: 100 }),
    refreshMargin: 120,
  })
  const { session, setCookie } = await sessions.read({ cookie: 'session=x', host: 'localhost' })
  if (session) {
    const email = session.idClaims?.email
    const attributes: cognitoUserPool.Attribute[] = await pool.profile({ ...session.auth })
    const groups: string[] | undefined = session.claims['cognito:groups']
    void email
    void attributes
    void groups
  }
  const lines: string[] = setCookie
  const guarded = await sessions.web.guard(new Request('http://localhost/'), { groups: ['admins'] })
  const response: Response | undefined = guarded.response
  const store: cognitoUserPool.SessionStore = cognitoUserPool.redisStore({}, { prefix: 'app:' })
  void lines
  void response
  void store
}
void sessionsAsAUser

async function portedFromAwsJwtVerify(): Promise<void> {
  const cache = { getJwks: async (uri: string): Promise<cognitoUserPool.Jwks> => ({ keys: [{ kty: 'RSA', kid: uri }] }) }
  const oidc = cognitoUserPool.JwtVerifier.create({ issuer: 'https://example.com' }, { jwksCache: cache })
  const anyIssuer = cognitoUserPool.JwtVerifier.create({ issuer: null, audience: null, jwksUri: 'https://example.com/jwks.json' })
  const claims: cognitoUserPool.Claims = await oidc.verify('token', { audience: 'api' })
  void anyIssuer
  void claims
}
void portedFromAwsJwtVerify

async function behindALoadBalancer(header: string): Promise<void> {
  const alb = cognitoUserPool.AlbJwtVerifier.create({
    albArn: 'arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/a/1',
    issuer: null,
    clientId: null,
  })
  const claims: cognitoUserPool.Claims = await alb.verify(header)
  void claims
}
void behindALoadBalancer

async function everyUser(): Promise<void> {
  for await (const user of pool.paginate('listUsers', { limit: 60 })) {
    const name: string = user.username
    void name
  }
  for await (const group of pool.paginate('listGroups')) void group.groupName
}
void everyUser

async function importFromLegacy(rows: AsyncIterable<{ id: string; mail: string }>): Promise<number> {
  async function* records() {
    for await (const row of rows) yield { username: row.id, attributes: { email: row.mail, email_verified: true } }
  }
  const job = await pool.importUsers(records(), {
    jobName: 'legacy',
    cloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/CognitoUserImport',
    onProgress: (j) => console.log(j.status, j.importedUsers),
  })
  for await (const earlier of pool.paginate('listUserImportJobs')) void earlier.jobId
  return job.importedUsers + job.failedUsers
}
void importFromLegacy

import testing = require('../../lib/testing')

async function ownTests(): Promise<void> {
  const issuer = testing.createTestIssuer({ userPoolId: 'eu-west-1_AppTests1', clientId: 'web', alg: 'ES256' })
  const token: string = issuer.accessToken({ groups: ['admins'], expiresIn: -1 })
  const claims = await issuer.verifier({ tokenUse: 'access' }).verify(token)
  const { poolData } = await issuer.serve()
  const kitPool = cognitoUserPool(poolData)
  void claims
  void kitPool
  await issuer.close()
}
void ownTests
