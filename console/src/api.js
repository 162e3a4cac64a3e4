/** The console's one API client (OFFICE.md): a bearer token kept in sessionStorage (closing the tab signs the
 * clerk out), every error turned into an ApiError with the server's code and message, 401 back to sign-in,
 * and downloads that follow a 202 {job_id} by polling GET /api/v1/jobs/<id> until the file is made. */

export const TOKEN_KEY = 'hl-console-token';
export const USER_KEY = 'hl-console-user';

export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** The file name a server gave in Content-Disposition (RFC 5987 filename* first), else null. */
export function dispositionName(header) {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(header);
  if (star) {
    try { return decodeURIComponent(star[1].trim().replace(/^"|"$/g, '')); } catch { /* fall through */ }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
  return plain ? plain[1] : null;
}

/** A query string from an object, leaving out empty values: {a: 1, b: ''} → "?a=1". */
export function query(params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? '?' + s : '';
}

async function errorOf(res) {
  let body = null;
  try { body = await res.json(); } catch { /* not JSON: a proxy's page */ }
  const e = body?.error;
  return new ApiError(res.status, e?.code || `http_${res.status}`, e?.message || res.statusText || `HTTP ${res.status}`,
    e?.details || {});
}

/**
 * makeApi({fetch, storage, onUnauthorized, sleep, save, lang, pollMs}) — every dependency injectable, so the
 * unit tests run it with a fake fetch.
 */
export function makeApi({
  fetch: fetchFn = (...a) => globalThis.fetch(...a),
  storage = globalThis.sessionStorage,
  onUnauthorized = () => {},
  sleep = (ms) => new Promise((r) => setTimeout(r, ms)),
  save = saveBlob,
  lang = () => 'zh-CN',
  pollMs = 800,
} = {}) {
  const token = () => storage?.getItem(TOKEN_KEY) || null;

  function headers(json) {
    const h = { 'Accept-Language': lang() === 'en' ? 'en' : 'zh-CN' };
    if (json) h['Content-Type'] = 'application/json';
    const t = token();
    if (t) h.Authorization = 'Bearer ' + t;
    return h;
  }

  async function raw(method, path, body, { form, accept = [] } = {}) {
    const res = await fetchFn('/api/v1' + path, {
      method, headers: headers(body !== undefined && !form),
      body: form || (body === undefined ? undefined : JSON.stringify(body)),
    });
    if (res.status === 401 && token()) {
      storage.removeItem(TOKEN_KEY);
      storage.removeItem(USER_KEY);
      const err = await errorOf(res);
      onUnauthorized(err);
      throw err;
    }
    if (!res.ok && !accept.includes(res.status)) throw await errorOf(res);
    return res;
  }

  /** POST a multipart form (a file upload); resolves with {status, body}. A status in `accept` (an import's
   * 422: its report, nothing written) is an answer with its body, not an error. */
  async function upload(path, form, { accept = [] } = {}) {
    const res = await raw('POST', path, undefined, { form, accept });
    return { status: res.status, body: await res.json() };
  }

  async function request(method, path, body) {
    const res = await raw(method, path, body);
    if (res.status === 204) return null;
    const type = res.headers.get('Content-Type') || '';
    return type.includes('json') ? res.json() : res.text();
  }

  /** Follow a job to its end; onProgress({state, done, total}) on each poll. Resolves with the last job. */
  async function followJob(jobId, onProgress = () => {}) {
    for (;;) {
      const job = await request('GET', `/jobs/${encodeURIComponent(jobId)}`);
      onProgress(job);
      if (job.state === 'done') return job;
      if (job.state === 'failed') throw new ApiError(200, 'job_failed', job.error || job.message || 'job failed', job);
      await sleep(pollMs);
    }
  }

  /** GET a file (or POST for one), following a 202 {job_id}; saves it and resolves with its name. */
  async function download(path, fallbackName, { onProgress, method = 'GET', body } = {}) {
    let res = await raw(method, path, body);
    if (res.status === 202) {
      const { job_id: jobId } = await res.json();
      await followJob(jobId, onProgress);
      res = await raw('GET', `/jobs/${encodeURIComponent(jobId)}/file`);
    }
    const name = dispositionName(res.headers.get('Content-Disposition')) || fallbackName;
    await save(await res.blob(), name);
    return name;
  }

  /** An attachment (photo) fetched with the token, as a blob: URL (img-src allows blob:, not a token in a URL). */
  async function blobUrl(path) {
    const res = await raw('GET', path);
    return URL.createObjectURL(await res.blob());
  }

  async function login(username, password) {
    const res = await fetchFn('/api/v1/auth/login', {
      method: 'POST', headers: headers(true), body: JSON.stringify({ username, password, device_name: 'console' }),
    });
    if (!res.ok) throw await errorOf(res);
    const body = await res.json();
    if (body.user?.role === 'collector') {
      // The server opened nothing for a collector here worth keeping: the phone app is theirs.
      throw new ApiError(403, 'use_phone_app', 'collector');
    }
    storage.setItem(TOKEN_KEY, body.token);
    storage.setItem(USER_KEY, JSON.stringify(body.user));
    return body.user;
  }

  async function logout() {
    try { await request('POST', '/auth/logout'); } finally {
      storage.removeItem(TOKEN_KEY);
      storage.removeItem(USER_KEY);
    }
  }

  function user() {
    try { return token() ? JSON.parse(storage.getItem(USER_KEY) || 'null') : null; } catch { return null; }
  }

  return {
    get: (path, params) => request('GET', path + query(params)),
    post: (path, body = {}) => request('POST', path, body),
    put: (path, body = {}) => request('PUT', path, body),
    patch: (path, body = {}) => request('PATCH', path, body),
    request, followJob, download, blobUrl, login, logout, user, token, upload,
  };
}

/** Save a blob as a file through a temporary <a download> (no inline script: CSP-safe). */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
