'use strict'

// `node scripts/with-fakecloud.js <command> [args...]`: runs the command with FAKECLOUD_URL set to
// a running fakecloud: the one already given in FAKECLOUD_URL if it is healthy, else one started
// here and stopped (by PID) when the command ends, whether it passed, failed or was interrupted.

const { spawn } = require('node:child_process')
const fakecloud = require('./fakecloud.js')

async function main() {
  const [command, ...args] = process.argv.slice(2)
  if (!command) throw new Error('usage: node scripts/with-fakecloud.js <command> [args...]')

  let server = null
  if (!(process.env.FAKECLOUD_URL && (await fakecloud.isHealthy(process.env.FAKECLOUD_URL)))) {
    server = await fakecloud.start()
    console.error(`fakecloud ${fakecloud.VERSION} running at ${server.url} (pid ${server.pid})`)
  }
  const stop = () => server && server.stop()
  process.on('exit', stop)
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      stop()
      process.exit(130)
    })
  }

  const env = {
    ...process.env,
    FAKECLOUD_URL: server ? server.url : process.env.FAKECLOUD_URL,
    // Admin calls are signed: fakecloud takes any credentials. Never ask an instance-metadata
    // service (the default chain's last resort), which is not on this machine's loopback.
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID || 'fakecloud',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY || 'fakecloud',
    AWS_EC2_METADATA_DISABLED: 'true',
  }
  const child = spawn(command, args, { stdio: 'inherit', env })
  const code = await new Promise((resolve) => {
    child.once('error', (err) => {
      console.error(err.message)
      resolve(127)
    })
    child.once('exit', (status, signal) => resolve(signal ? 1 : status))
  })
  process.exitCode = code
  stop() // the server's process handle would otherwise keep this one alive
}

main().catch((err) => {
  console.error(err.message)
  process.exitCode = 1
})
