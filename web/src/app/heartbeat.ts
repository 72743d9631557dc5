import { useEffect } from "react";

/**
 * One slow beat shared by every "still working" mark (the pulsing dot of a running workspace,
 * the caret at the end of a streaming reply, "Thinking…"): while any is shown, the root element's
 * `data-mux-beat` attribute turns on and off every BEAT_MS, and CSS dims the marks while it is on.
 *
 * Why not CSS animations: an infinite animation makes the browser produce a frame at every
 * display refresh for as long as it runs: with ten workspaces streaming, a tab showing only the
 * sidebar spent half the server's CPU, mostly drawing the dots. A beat is two small style changes
 * a second.
 */
const BEAT_MS = 500;

let users = 0;
let timer: ReturnType<typeof setInterval> | undefined;

function start() {
  if (window.matchMedia?.("(prefers-reduced-motion: reduce)").matches) return;
  timer = setInterval(() => document.documentElement.toggleAttribute("data-mux-beat"), BEAT_MS);
}

function stop() {
  clearInterval(timer);
  timer = undefined;
  document.documentElement.removeAttribute("data-mux-beat");
}

/** Keeps the beat going while `active` (and some other mark is not keeping it already). */
export function useHeartbeat(active: boolean) {
  useEffect(() => {
    if (!active) return;
    if (users++ === 0) start();
    return () => {
      if (--users === 0) stop();
    };
  }, [active]);
}
