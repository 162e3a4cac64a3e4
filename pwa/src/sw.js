/* HeatLedger service worker. Built by vite.config.js, which fills in the placeholders below.
 * - precaches the app shell with revisioned URLs and answers it offline (cache first);
 * - leaves /api/ and /r/ to the network;
 * - activates a new version only when every op still waiting in the outbox has a format it can
 *   read (PROTOCOL.md, The phone's side; issue 4 item 1), otherwise it waits. */
const PRECACHE = __PRECACHE__;
const VERSION = __VERSION__;
const READABLE_OP_FORMATS = __READABLE__;
const CACHE = `heatledger-precache-${VERSION}`;
const SCOPE = new URL(self.registration.scope).pathname; // "/app/"
const INDEX = `${SCOPE}index.html`;

/** True when every waiting op is in a format this version reads (or nothing waits). */
function outboxReadable() {
  return new Promise((resolve) => {
    let created = false;
    const req = indexedDB.open('heatledger');
    req.onupgradeneeded = () => {
      created = true; // no database yet: do not create one here
      req.transaction.abort();
    };
    req.onerror = () => resolve(created);
    req.onsuccess = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('outbox')) {
        db.close();
        resolve(true);
        return;
      }
      const cur = db.transaction('outbox').objectStore('outbox').index('pending').openCursor();
      let ok = true;
      cur.onsuccess = () => {
        const c = cur.result;
        if (c && ok) {
          if (!READABLE_OP_FORMATS.includes(c.value.fmt)) ok = false;
          c.continue();
        } else {
          db.close();
          resolve(ok);
        }
      };
      cur.onerror = () => {
        db.close();
        resolve(false);
      };
    };
  });
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // every entry is awaited: an install that did not cache the shell must fail, not half-work
    await Promise.all(PRECACHE.map(async ({ url }) => {
      const res = await fetch(url, { cache: 'reload' });
      if (!res.ok) throw new Error(`precache ${url}: ${res.status}`);
      await cache.put(url, res);
    }));
    if (await outboxReadable()) await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('heatledger-precache-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING_IF_SAFE') {
    event.waitUntil(outboxReadable().then((ok) => (ok ? self.skipWaiting() : undefined)));
  }
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || !url.pathname.startsWith(SCOPE)) return; // /api, /r: network
  if (req.mode === 'navigate') {
    event.respondWith((async () => (await caches.match(INDEX, { cacheName: CACHE })) || fetch(req))());
    return;
  }
  event.respondWith((async () => (await caches.match(url.pathname, { cacheName: CACHE })) || fetch(req))());
});
