import type { PullRequest } from "../../../src/api/land";
import { call } from "../api/client";
import { createStore } from "../state/store";

/** Each workspace's pull request, by workspace id (empty when gh is not there). */
export const prsStore = createStore<Record<string, PullRequest>>({});

/** How often the server's cache is read; the server itself asks gh far less often (back-off). */
const POLL_MS = 30_000;
let timer: ReturnType<typeof setTimeout> | undefined;

async function poll(): Promise<void> {
  clearTimeout(timer);
  try {
    const prs = await call((api) => api.land.pullRequests());
    prsStore.set((prev) => (JSON.stringify(prev) === JSON.stringify(prs) ? prev : prs));
  } catch {
    // offline or gh trouble: the badges stay as they were
  }
  timer = setTimeout(() => void poll(), POLL_MS);
}

/** Starts reading pull requests (once), or reads them again now (after a push). */
export function refreshPrs(): void {
  void poll();
}

export function startPrs(): void {
  if (timer === undefined) refreshPrs();
}
