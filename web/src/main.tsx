import "./connectEarly";
import { StrictMode } from "react";
import { subscribe } from "./api/client";
import { createRoot } from "react-dom/client";
import { App, loadChat } from "./app/App";
import { prefetchOverlays } from "./app/OverlayHost";
import { prefetchReviewOnOpen } from "./review/opening";
import { startNotifications } from "./state/notifications";
import type { WorkspaceListEvent } from "./state/types";
import { applyWorkspaceEvent, workspacesStore } from "./state/workspaces";
import "./styles/index.css";

/** A list older than this is not shown (a page the service worker kept, opened offline). */
const BOOT_MAX_AGE_MS = 30_000;

/**
 * The workspace list the server put into the page (`<script type="application/json"
 * id="mux-boot">`, signed-in page loads once its API is up): the sidebar shows at the first
 * render, before the socket is open; the subscription's snapshot then replaces it.
 */
function applyBootData() {
  const el = document.getElementById("mux-boot");
  if (!el) return;
  el.remove();
  try {
    const boot = JSON.parse(el.textContent ?? "") as { at?: unknown; list?: WorkspaceListEvent };
    if (boot.list?.type !== "snapshot" || typeof boot.at !== "number" || Math.abs(Date.now() - boot.at) > BOOT_MAX_AGE_MS) return;
    applyWorkspaceEvent(boot.list);
  } catch {
    // unreadable: the subscription's snapshot comes anyway
  }
}

/**
 * Follows `workspaces.subscribe` (as startWorkspaces does), applying the live events once per
 * frame: a burst (twenty agents starting or finishing together) is one render, not twenty. A
 * snapshot is applied at once. After a reconnect the fresh snapshot replaces everything.
 */
function followWorkspaces() {
  let queue: WorkspaceListEvent[] = [];
  let frame = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    frame = 0;
    timer = undefined;
    const batch = queue;
    queue = [];
    for (const event of batch) applyWorkspaceEvent(event);
  };
  subscribe(
    (api, signal) => api.workspaces.subscribe(undefined, { signal }),
    (event) => {
      queue.push(event);
      if (event.type === "snapshot") return flush();
      if (timer) return;
      frame = requestAnimationFrame(flush);
      // A hidden page gets no frames, and its notifications need the events.
      timer = setTimeout(flush, 100);
    },
  );
}

applyBootData();
// Subscribe before the first render, so the sidebar fills as soon as the socket opens.
followWorkspaces();
startNotifications();
prefetchReviewOnOpen();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

const idle = (fn: () => void) => ("requestIdleCallback" in window ? requestIdleCallback(fn) : setTimeout(fn, 1500));

/**
 * The chat chunk loads when a workspace is shown; otherwise it (and the dialogs) is warmed once
 * the sidebar is painted and the page is idle, so that parsing it never delays the sidebar. The
 * service worker (installable app, offline shell) is registered then too: its install downloads
 * and stores the app's files, which must not compete with the first paint either.
 */
function prefetchWhenSettled() {
  let done = false;
  const go = () => {
    if (done) return;
    done = true;
    stop();
    requestAnimationFrame(() =>
      idle(() => {
        void loadChat().catch(() => {});
        prefetchOverlays();
        registerServiceWorker();
      }),
    );
  };
  const stop = workspacesStore.subscribe(() => workspacesStore.get().loaded && go());
  if (workspacesStore.get().loaded) go();
  setTimeout(go, 5_000); // no list (server unreachable): warm them anyway
}
prefetchWhenSettled();

/** Installable app + offline shell. Relative URL: works under any path prefix. */
function registerServiceWorker() {
  if (import.meta.env.PROD && "serviceWorker" in navigator) void navigator.serviceWorker.register("sw.js").catch(() => {});
}
