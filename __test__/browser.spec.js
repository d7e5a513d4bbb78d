'use strict'

// A real browser: headless Chromium (Debian's, driven by puppeteer-core) signs in through the
// example app's page, holds its session across an access-token refresh without noticing, and signs
// out; the cookie's attributes are read from the browser itself (DevTools protocol), and the page's
// script cannot see the cookie (HttpOnly). As in sessions.spec.js, refreshMargin 297 s on 300 s
// tokens stands in for the access token's expiry.

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const test = require('ava')
const puppeteer = require('puppeteer-core')
const cognitoUserPool = require('..')
const { program } = require('../scripts/debian.js')
const { URL, createPool, confirmedUser, recordingProxy, PASSWORD, shortLivedRotatingClient } = require('./helpers')
const { SECRET, serve } = require('./session-apps')

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

test('Chromium signs in, keeps its session across a refresh, signs out; the cookie as the browser holds it', async (t) => {
  const poolData = await createPool()
  const rotatingClientId = await shortLivedRotatingClient(poolData)
  const proxy = await recordingProxy()
  t.teardown(() => proxy.close())
  const pool = cognitoUserPool({
    ...poolData,
    ClientId: rotatingClientId,
    endpoint: proxy.url,
    jwksUrl: `${URL}/${poolData.UserPoolId}/.well-known/jwks.json`,
  })
  const app = await serve('express', { pool, sessions: pool.sessions({ secrets: SECRET, refreshMargin: 297 }) })
  t.teardown(() => app.close())
  const user = await confirmedUser({ ...poolData, ClientId: rotatingClientId })

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cup-chromium-'))
  const browser = await puppeteer.launch({
    executablePath: program('chromium'),
    headless: true,
    userDataDir: profile,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  t.teardown(async () => {
    await browser.close()
    fs.rmSync(profile, { recursive: true, force: true })
  })
  const page = await browser.newPage()
  await page.goto(app.url)
  await page.type('input[name=username]', user.username)
  await page.type('input[name=password]', PASSWORD)
  await Promise.all([page.waitForNavigation(), page.click('form button')])
  t.regex(await page.$eval('#user', (el) => el.textContent), new RegExp(`Signed in as ${user.username}`))

  const cookies = await page.cookies()
  t.is(cookies.length, 1)
  const [cookie] = cookies
  t.is(cookie.name, 'session', 'no __Host- prefix without Secure, on a loopback host')
  t.true(cookie.httpOnly)
  t.is(cookie.sameSite, 'Lax')
  t.false(cookie.secure)
  t.is(cookie.path, '/')
  t.false(cookie.session, 'a persistent cookie (Max-Age)')
  t.is(await page.evaluate(() => document.cookie), '', "the page's script cannot read it")

  const whoAmI = async () => {
    await page.click('#me')
    await page.waitForFunction(() => document.getElementById('out').textContent !== '')
    const text = await page.$eval('#out', (el) => el.textContent)
    await page.$eval('#out', (el) => (el.textContent = ''))
    return { status: Number(text.split(' ')[0]), body: JSON.parse(text.slice(text.indexOf(' ') + 1)) }
  }
  const before = await whoAmI()
  t.is(before.status, 200)
  await sleep(3100)
  const after = await whoAmI()
  t.is(after.status, 200, 'still signed in after the refresh')
  t.is(after.body.username, user.username)
  t.true(after.body.accessTokenExpiresAt > before.body.accessTokenExpiresAt, 'a new access token behind the same cookie')
  t.is(proxy.operations.filter((op) => op === 'GetTokensFromRefreshToken').length, 1)

  await Promise.all([page.waitForNavigation(), page.click('#logout')])
  t.truthy(await page.$('form#login'), 'the sign-in form again')
  t.deepEqual(await page.cookies(), [], 'the browser dropped the cookie')
  t.true(proxy.operations.includes('RevokeToken'))
})
