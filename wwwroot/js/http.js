// The one way pages talk to the server: JSON in and out, and RFC 9457 problem details turned into a Japanese sentence
// the page shows as text (never as HTML). Every page's fetch goes through request() below.

/** Sentences for a failed request when the server sent no problem detail of its own. */
const STATUS_MESSAGES = {
  0: 'サーバーに接続できませんでした。ネットワークの接続を確かめて、もう一度お試しください。',
  400: '入力の内容を受け付けられませんでした。',
  401: 'ログインが必要です。ログインし直してください。',
  403: 'この操作をする権限がありません。',
  404: '見つかりませんでした。',
  409: 'ほかの人が先に変更しました。画面を読み込み直してから、もう一度お試しください。',
  412: 'ほかの人が先に変更しました。画面を読み込み直してから、もう一度お試しください。',
  413: '送った内容が大きすぎます。',
  429: '混み合っています。少し待ってから、もう一度お試しください。',
};
const SERVER_FAULT = 'サーバーで問題が起きました。しばらくしてから、もう一度お試しください。';

/** The Japanese sentence for a failed response: the problem's own `detail` (or `title`), else one by status. */
export function problemMessage(status, problem) {
  if (typeof problem?.detail === 'string' && problem.detail) return problem.detail;
  if (typeof problem?.title === 'string' && /[^\x00-\x7f]/.test(problem.title)) return problem.title; // only a Japanese title
  return STATUS_MESSAGES[status] ?? (status >= 500 ? SERVER_FAULT : `うまくいきませんでした（${status}）。`);
}

/**
 * A request that failed: `message` is the sentence to show, `status` the HTTP status (0: the server was not reached),
 * `type` the last segment of the problem's type URI (e.g. "no-address-match"; "network" when unreached), `detail` the
 * server's own detail (undefined when it sent none), `problem` the whole problem document (its extension members too).
 */
export class ProblemError extends Error {
  constructor(status, problem) {
    super(problemMessage(status, problem));
    this.name = 'ProblemError';
    this.status = status;
    this.problem = problem ?? null;
    this.detail = typeof problem?.detail === 'string' && problem.detail ? problem.detail : undefined;
    this.type = status === 0 ? 'network' : typeof problem?.type === 'string' && problem.type !== 'about:blank'
      ? problem.type.split('/').pop() : `http-${status}`;
  }
}

/**
 * fetch() with JSON: `json` is sent as the body (or `body`, a FormData, as multipart), the answer is parsed when it is JSON. Never throws for an HTTP status
 * (callers that want to branch on 409/412 read `ok` and `status`); throws ProblemError(0) when the server is unreachable
 * and passes an AbortError through. Returns { ok, status, body, etag, response }.
 */
export async function request(url, { method = 'GET', json, body: formBody, headers = {}, signal, cache } = {}) {
  const init = {
    method, signal, cache, credentials: 'same-origin',
    headers: { Accept: 'application/json, application/geo+json, application/problem+json', ...headers },
  };
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (formBody !== undefined) {
    init.body = formBody; // FormData (a file upload): the browser writes the multipart Content-Type
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    if (e?.name === 'AbortError') throw e;
    throw new ProblemError(0, null);
  }
  let body = null;
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try { body = await response.json(); } catch { body = null; }
  }
  return { ok: response.ok, status: response.status, body, etag: response.headers.get('ETag'), response };
}

/** The body of a successful request; a failed one throws ProblemError. */
export async function requestJson(url, options) {
  const result = await request(url, options);
  if (!result.ok) throw new ProblemError(result.status, result.body);
  return result.body;
}

/** GET JSON (throws ProblemError). */
export const getJson = (url, signal) => requestJson(url, { signal });

/** POST JSON, answer JSON (throws ProblemError). */
export const postJson = (url, json, signal, headers) => requestJson(url, { method: 'POST', json, signal, headers });
