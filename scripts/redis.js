'use strict'

// Redis for the session tests: Debian's `redis-server` (scripts/debian.js installs it), started
// on a free loopback port with nothing written to disk, stopped by PID.

const { spawn } = require('node:child_process')
const net = require('node:net')

const { program } = require('./debian.js')
const { freePort } = require('./fakecloud.js')

function answersPing(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.setTimeout(500)
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => {
      socket.destroy()
      resolve(data.toString().startsWith('+PONG'))
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
  })
}

/** A redis-server of its own on 127.0.0.1; resolves `{ url, port, stop }`. */
async function start() {
  const bin = program('redis-server')
  const port = await freePort()
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes']
  const child = spawn(bin, args, { stdio: 'ignore' })
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  process.once('exit', stop)
  for (let i = 0; i < 200; i++) {
    if (await answersPing(port)) return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid, stop }
    if (child.exitCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  stop()
  throw new Error(`redis-server did not start on port ${port}`)
}

module.exports = { start }
