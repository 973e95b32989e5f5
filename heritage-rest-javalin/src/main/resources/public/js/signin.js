// Sign in: check the pasted token with /api/me before keeping it (sessionStorage, this tab only),
// then show who the server now takes the caller for. Sign out forgets the token.
import { ICONS, errorMessage, html, raw, setHtml, storeToken, storedToken } from './api.js';

const form = document.getElementById('signin-form');
const input = document.getElementById('token-input');
const error = document.getElementById('signin-error');
const current = document.getElementById('signin-current');
const signout = document.getElementById('signout');

function describe(me) {
  if (!me) return html`<p class="muted">Not signed in.</p>`;
  if (me.kind === 'token') {
    return html`<div class="alert alert-info" role="status">${raw(ICONS.info)}<p>Signed in as <strong id="signed-in-name">${me.name}</strong>, role <strong id="signed-in-role">${me.role}</strong>.</p></div>`;
  }
  if (me.kind === 'local') {
    return html`<div class="alert alert-info" role="status">${raw(ICONS.info)}<p>No token exists on this server yet, and it listens on this machine only: you may do everything without signing in (<strong id="signed-in-role">admin</strong>).</p></div>`;
  }
  return html`<p class="muted">Not signed in: without a token you may ${me.role ? html`<strong id="signed-in-role">${me.role === 'reader' ? 'read' : me.role}</strong>` : 'do nothing but sign in'}.</p>`;
}

async function show() {
  const me = await window.mhCaller.refresh();
  setHtml(current, describe(me));
  signout.hidden = !storedToken();
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  setHtml(error, '');
  const token = input.value.trim();
  if (!token) {
    setHtml(error, html`<div class="alert alert-error">${raw(ICONS.alert)}<p class="message">Paste a token first.</p></div>`);
    return;
  }
  let response;
  try {
    response = await fetch('api/me', { headers: { Accept: 'application/json', Authorization: `Bearer ${token}` } });
  } catch (e) {
    setHtml(error, html`<div class="alert alert-error">${raw(ICONS.alert)}<p class="message">The server cannot be reached.</p></div>`);
    return;
  }
  const text = await response.text();
  let body = null;
  try { body = JSON.parse(text); } catch (e) { body = null; }
  if (!response.ok) {
    const wait = response.headers.get('Retry-After');
    const why = response.status === 429 ? `Too many attempts: try again in ${wait || 'a few'} s.`
      : `This token was not accepted: ${errorMessage(body, text, response.status)}`;
    setHtml(error, html`<div class="alert alert-error" id="signin-refused">${raw(ICONS.alert)}<p class="message">${why}</p></div>`);
    return;
  }
  storeToken(token);
  input.value = '';
  await show();
});

signout.addEventListener('click', async () => {
  storeToken(null);
  setHtml(error, '');
  await show();
});

show();
