'use strict'

// The example apps' one page: a sign-in form, or the signed-in user with a sign-out button.
// Plain HTML and fetch, so that a real browser exercises the cookie as users' browsers do.

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function page(session) {
  const body = session
    ? `<p id="user">Signed in as <b>${escape(session.username)}</b></p>
       <button id="me">Who am I?</button> <button id="logout">Sign out</button>
       <pre id="out"></pre>`
    : `<form id="login"><input name="username" autocomplete="username"> <input name="password" type="password" autocomplete="current-password">
       <button>Sign in</button></form><pre id="out"></pre>`
  return `<!doctype html><meta charset="utf-8"><title>cognito-user-pool sessions</title>${body}
<script>
const out = document.getElementById('out')
const show = async (res) => { out.textContent = res.status + ' ' + (await res.text()) }
document.getElementById('login')?.addEventListener('submit', async (e) => {
  e.preventDefault()
  const form = Object.fromEntries(new FormData(e.target))
  const res = await fetch('/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(form) })
  if (res.ok) location.reload(); else show(res)
})
document.getElementById('me')?.addEventListener('click', async () => show(await fetch('/me')))
document.getElementById('logout')?.addEventListener('click', async () => { await fetch('/logout', { method: 'POST' }); location.reload() })
</script>`
}

module.exports = { page }
