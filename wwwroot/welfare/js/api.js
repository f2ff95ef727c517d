// Talks to the welfare API. The antiforgery token lives in this module's memory only: nothing restricted is ever
// written to localStorage, sessionStorage or IndexedDB, and the session cookie is HttpOnly.
let csrf = null;
let csrfHeader = 'X-CSRF-TOKEN';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function parse(response) {
  const type = response.headers.get('content-type') || '';
  if (type.includes('json')) return response.json();
  return null;
}

/** The own session; refreshes the antiforgery token. */
export async function session() {
  const response = await fetch('/api/auth/session', { credentials: 'same-origin', cache: 'no-store' });
  const body = await response.json();
  csrf = body.csrfToken;
  csrfHeader = body.csrfHeader || csrfHeader;
  return body;
}

/** GET returning JSON; throws ApiError with the problem details. */
export async function get(url) {
  const response = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
  const body = await parse(response);
  if (!response.ok) throw new ApiError(response.status, body);
  return { body, etag: response.headers.get('ETag') };
}

/** A state change: JSON body, antiforgery header, optional If-Match. Returns { ok, status, body, etag, response }. */
export async function send(method, url, data, ifMatch) {
  if (!csrf) await session();
  const headers = { [csrfHeader]: csrf };
  if (data !== undefined) headers['Content-Type'] = 'application/json';
  if (ifMatch) headers['If-Match'] = ifMatch;
  const response = await fetch(url, {
    method, headers, credentials: 'same-origin', cache: 'no-store',
    body: data === undefined ? undefined : JSON.stringify(data),
  });
  const body = await parse(response);
  return { ok: response.ok, status: response.status, body, etag: response.headers.get('ETag'), response };
}

export async function login(userName, password) {
  await session();
  const result = await send('POST', '/api/auth/login', { userName, password });
  if (result.ok) return session();
  throw new ApiError(result.status, result.body);
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
