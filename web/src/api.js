// Talking to `cuenca serve`: the token, JSON requests and the live feed.
// URLs are relative so the page works wherever the server mounts it.

const TOKEN_KEY = 'cuenca.token';

export const token = {
  // sessionStorage: the token dies with the tab, as a watch handover expects.
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (t) => sessionStorage.setItem(TOKEN_KEY, t),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function apiUrl(path, params = {}) {
  const u = new URL(path, document.baseURI);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') u.searchParams.set(k, v);
  return u.toString();
}

export async function getJson(path, params, tok = token.get()) {
  const headers = tok ? { Authorization: `Bearer ${tok}` } : {};
  const r = await fetch(apiUrl(path, params), { headers, cache: 'no-store' });
  if (!r.ok) {
    const text = await r.text().catch(() => '');
    throw new ApiError(r.status, `${r.status} ${r.statusText}${text ? ': ' + text.slice(0, 200) : ''}`);
  }
  return r.json();
}

/** Who the token belongs to; `null` if the server has no /me (older servers). */
export async function whoAmI(tok) {
  try {
    return await getJson('api/v1/me', {}, tok);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/**
 * The live picture. Server-Sent Events from /api/v1/stream (the browser reconnects by
 * itself and each new connection starts with a full picture); if the server refuses or
 * lacks the stream, poll /api/v1/tracks and try the stream again later.
 */
export class Feed {
  constructor({ onMessage, onState, onAuthError, rate = 1 }) {
    this.onMessage = onMessage;
    this.onState = onState;
    this.onAuthError = onAuthError;
    this.rate = rate;
    this.es = null;
    this.pollTimer = null;
    this.retryTimer = null;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    this.openStream();
  }

  stop() {
    this.stopped = true;
    this.es?.close();
    this.es = null;
    clearTimeout(this.pollTimer);
    clearTimeout(this.retryTimer);
  }

  openStream() {
    if (this.stopped || typeof EventSource === 'undefined') return this.poll();
    const es = new EventSource(apiUrl('api/v1/stream', { rate: this.rate, access_token: token.get() }));
    this.es = es;
    es.addEventListener('open', () => {
      clearTimeout(this.pollTimer);
      this.pollTimer = null;
      this.onState('live');
    });
    es.addEventListener('tracks', (e) => {
      let msg;
      const t0 = performance.now();
      try {
        msg = JSON.parse(e.data);
      } catch {
        return; // a malformed frame is skipped, the next one carries on
      }
      this.onParsed?.(performance.now() - t0);
      this.onMessage(msg);
    });
    es.addEventListener('error', () => {
      if (es.readyState === EventSource.CLOSED) {
        // Refused (non-200) or unsupported: poll, and try the stream again in 30 s.
        es.close();
        if (this.es === es) this.es = null;
        if (!this.pollTimer) this.poll();
        this.retryTimer = setTimeout(() => this.openStream(), 30_000);
      } else {
        this.onState('reconnecting');
      }
    });
  }

  async poll() {
    if (this.stopped) return;
    this.pollTimer = -1; // polling is active even before the first timer is set
    try {
      // The list comes in pages (OGC API style `links`, rel "next"): follow them all.
      let fc = await getJson('api/v1/tracks', { limit: 1000 });
      const time = fc.timeStamp ?? new Date().toISOString();
      const features = [...(fc.features ?? [])];
      for (let page = 0; page < 100; page++) {
        const next = fc.links?.find((l) => l.rel === 'next')?.href;
        if (!next || !fc.features?.length) break;
        fc = await getJson(next);
        features.push(...(fc.features ?? []));
      }
      if (this.stopped || this.pollTimer === null) return;
      this.onMessage({ time, full: true, updated: features, deleted: [] });
      this.onState('polling');
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        this.stop();
        this.onAuthError(e);
        return;
      }
      this.onState('offline');
    }
    if (!this.stopped && this.pollTimer !== null) this.pollTimer = setTimeout(() => this.poll(), 2000);
  }
}
