// Must NOT compile: the types catch a wrong param, a wrong result use and a missing field.
import cognitoUserPool = require('../..')

const pool = cognitoUserPool({ UserPoolId: 'us-east-1_AbCdEf123', ClientId: 'client' })

async function wrong(): Promise<void> {
  await pool.login({ username: 'alice' })
  const tokens = await pool.refreshSession({ username: 'alice', refreshToken: 'r' })
  const n: number = tokens.accessToken
  pool.profileEdit({ username: 'a', accessToken: 'x', attributes: 'not a list' }, () => {})
  void n
  await pool.loginSelectChallenge({ username: 'alice', loginSession: 's', challenge: 'MAGIC_LINK' })
  await pool.updateDeviceStatus({ username: 'alice', accessToken: 'a', deviceKey: 'k' })
}
void wrong

cognitoUserPool.createVerifier({ userPoolId: 'us-east-1_AbCdEf123', clientId: null }).verifySync('token', { clientId: null })

// Sessions need their secrets; a store is 'memory', 'cookie' or a store object.
pool.sessions({ store: 'memory' })
pool.sessions({ secrets: 's', store: 'redis' })

// An import needs its job name and role; a record its username.
pool.importUsers([{ username: 'a' }], { jobName: 'j' })
pool.importUsers([{ attributes: { email: 'a@example.com' } }], { jobName: 'j', cloudWatchLogsRoleArn: 'arn' })
