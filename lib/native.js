'use strict'

// The native binding: the loader `napi build` generates, or an error that names this platform
// and says what to do.

module.exports = loadBinding()

/** The generated loader, or an error that names this platform and says what to do. */
function loadBinding() {
  try {
    return require('../binding.js')
  } catch (cause) {
    const { platform, arch, version } = process
    const abi = { linux: process.report.getReport().header.glibcVersionRuntime ? '-gnu' : '-musl', win32: '-msvc' }
    const target = `${platform}-${arch}${abi[platform] || ''}`
    // A binary that was found but would not load (an older glibc, say) says why in its own error.
    let found = cause && cause.cause
    while (found && String(found.message).startsWith('Cannot find module')) found = found.cause
    const why = found ? ` Loading it failed: ${found.message.split('\n')[0]}.` : ''
    const err = new Error(
      `cognito-user-pool: no native binary loaded for ${target} (Node ${version}).${why} It comes as the optional ` +
        `dependency cognito-user-pool-${target}, published for linux-x64-gnu, linux-arm64-gnu (glibc 2.17 or ` +
        'later), linux-x64-musl, linux-arm64-musl, darwin-x64, darwin-arm64 and win32-x64-msvc. Install without ' +
        '--omit=optional / --no-optional; if node_modules or package-lock.json were made on another platform, ' +
        'delete both and run npm install again (npm/cli#4828). Other platforms: build from source (see the README).',
    )
    err.code = 'ERR_COGNITO_USER_POOL_NO_BINARY'
    err.cause = cause
    throw err
  }
}
