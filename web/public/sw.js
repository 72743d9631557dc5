// Mux service worker: caches the app shell so the app starts offline (it then shows "connecting"
// until the server is back). Never touches the API. Paths are relative to the worker's scope, so
// this works under any path prefix.
// The build stamps its id here (web/vite.config.ts), so each build installs afresh and drops the
// previous build's cache.
const CACHE = "mux-shell-__MUX_BUILD__";
const SCOPE = new URL("./", self.location.href);
const SHELL = ["./", "manifest.webmanifest", "icons/icon-192.png", "icons/icon-512.png"];

const isApi = (url) => url.href.startsWith(new URL("api/", SCOPE).href);

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(SHELL);
      // Also the scripts and styles the shell references (hashed names, so they never go stale).
      const html = await (await cache.match("./")).text();
      const assets = [...html.matchAll(/(?:src|href)="(\.?\/?assets\/[^"]+)"/g)].map((m) => new URL(m[1], SCOPE).href);
      await cache.addAll(assets);
      // And the chunks the entry loads on demand (chat view, dialogs), best effort.
      const lazy = new Set();
      for (const url of assets.filter((u) => u.endsWith(".js"))) {
        const text = await (await cache.match(url)).text();
        for (const m of text.matchAll(/"\.\/([\w.-]+\.(?:js|css))"/g)) lazy.add(new URL(m[1], url).href);
      }
      await cache.addAll([...lazy]).catch(() => {});
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== SCOPE.origin || !url.href.startsWith(SCOPE.href) || isApi(url)) return;
  if (req.mode === "navigate") {
    // Network first, so a new build is picked up at once; the cached shell when offline.
    event.respondWith(
      fetch(req)
        .then((res) => {
          if (res.ok) caches.open(CACHE).then((c) => c.put("./", res.clone()));
          return res;
        })
        .catch(async () => (await caches.match("./")) ?? Response.error()),
    );
    return;
  }
  // Hashed assets and icons: cache first, filled as they are fetched (lazy chunks too).
  event.respondWith(
    caches.match(req).then(
      (hit) =>
        hit ??
        fetch(req).then((res) => {
          if (res.ok && url.href.startsWith(new URL("assets/", SCOPE).href)) {
            const copy = res.clone();
            caches.open(CACHE).then((c) => c.put(req, copy));
          }
          return res;
        }),
    ),
  );
});

// A notification shown through the worker: focus (or open) the app on that workspace.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const id = event.notification.data?.workspaceId;
  const target = new URL(id ? `./#/w/${encodeURIComponent(id)}` : "./", SCOPE).href;
  event.waitUntil(
    (async () => {
      const all = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const client = all[0];
      if (client) {
        await client.focus();
        client.postMessage({ type: "mux:focus-workspace", workspaceId: id });
      } else {
        await self.clients.openWindow(target);
      }
    })(),
  );
});
