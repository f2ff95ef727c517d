// Talks to the welfare API. The antiforgery token lives in this module's memory only: nothing restricted is ever
// written to localStorage, sessionStorage or IndexedDB, and the session cookie is HttpOnly.
import { request, requestJson, ProblemError, problemMessage } from '../../js/http.js';

let csrf = null;
let csrfHeader = 'X-CSRF-TOKEN';

/** The own session; refreshes the antiforgery token. */
export async function session() {
  const body = await requestJson('/api/auth/session', { cache: 'no-store' });
  csrf = body.csrfToken;
  csrfHeader = body.csrfHeader || csrfHeader;
  return body;
}

/**
 * The session of a signed-in 計画担当 (or 管理者), with their name shown in `nameEl`; anyone else is sent to the sign-in page
 * and gets null.
 */
export async function plannerSession(nameEl) {
  const s = await session();
  if (!s.signedIn || !s.permissions.manageHubs) {
    location.href = 'index.html';
    return null;
  }
  nameEl.textContent = `${s.displayName}（${s.roles.join('・')}）`;
  return s;
}

/** GET returning JSON; throws ProblemError (../../js/http.js) with the problem details. */
export async function get(url) {
  const result = await request(url, { cache: 'no-store' });
  if (!result.ok) throw new ProblemError(result.status, result.body);
  return { body: result.body, etag: result.etag };
}

/**
 * A state change: JSON body, antiforgery header, optional If-Match. Returns { ok, status, body, etag, response, message }
 * (callers branch on 409/412; `message` is the Japanese sentence for a failure).
 */
export async function send(method, url, data, ifMatch) {
  if (!csrf) await session();
  const headers = { [csrfHeader]: csrf };
  if (ifMatch) headers['If-Match'] = ifMatch;
  const result = await request(url, { method, json: data, headers, cache: 'no-store' });
  return { ...result, message: result.ok ? null : problemMessage(result.status, result.body) };
}

/** A file upload (FormData) with the antiforgery header; the same answer as send(). */
export async function sendForm(url, formData) {
  if (!csrf) await session();
  const result = await request(url, { method: 'POST', body: formData, headers: { [csrfHeader]: csrf }, cache: 'no-store' });
  return { ...result, message: result.ok ? null : problemMessage(result.status, result.body) };
}

export async function login(userName, password) {
  await session();
  const result = await send('POST', '/api/auth/login', { userName, password });
  if (result.ok) return session();
  throw new ProblemError(result.status, result.body);
}

export async function logout() {
  await send('POST', '/api/auth/logout');
  csrf = null;
}

/** Date/time in Japan, e.g. 2026-11-28 09:15. */
export function jst(value) {
  const d = new Date(value);
  const parts = new Intl.DateTimeFormat('ja-JP', {
    timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  }).formatToParts(d).reduce((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}
