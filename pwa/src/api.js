/** HTTP to the server's `/api/v1` (same origin). Every error body is `{"error": {code, message}}`. */

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || `http_${status}`;
    this.details = details;
  }
}

export function makeApi({ base = '', fetchImpl = (...a) => fetch(...a), getToken = () => null, lang = () => 'zh-CN' }) {
  async function call(method, path, { body, headers = {}, raw = false } = {}) {
    const h = { 'Accept-Language': lang(), ...headers };
    const token = getToken();
    if (token) h.Authorization = `Bearer ${token}`;
    let payload = body;
    if (body !== undefined && !(body instanceof Blob) && !(body instanceof ArrayBuffer) && !ArrayBuffer.isView(body)) {
      h['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetchImpl(`${base}/api/v1${path}`, { method, headers: h, body: payload, cache: 'no-store' });
    } catch (e) {
      // no answer at all (offline, DNS, refused): the browser's own words ("Failed to fetch") mean nothing
      // to a collector, so it gets a code the UI can say in Chinese (ui/common.js syncErrorText)
      throw new ApiError(0, 'network', e.message);
    }
    if (!res.ok) {
      let err = {};
      try {
        err = (await res.json()).error || {};
      } catch {
        /* not JSON: keep the status */
      }
      throw new ApiError(res.status, err.code, err.message, err.details);
    }
    if (raw) return res;
    return res.status === 204 ? null : res.json();
  }
  return {
    call,
    login: (username, password, deviceName) => call('POST', '/auth/login',
      { body: { username, password, device_name: deviceName } }),
    pull: (cursor, limit = 1000) => call('GET',
      `/sync/pull?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
    push: (body, clientTime) => call('POST', '/sync/push', { body, headers: { 'X-Client-Time': clientTime } }),
    putAttachment: (sha256, blob) => call('PUT', `/attachments/${sha256}`,
      { body: blob, headers: { 'Content-Type': blob.type || 'image/jpeg' }, raw: true }),
  };
}
