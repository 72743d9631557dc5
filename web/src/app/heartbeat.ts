import { useEffect } from "react";

/**
 * One slow beat shared by every "still working" mark (the pulsing dot of a running workspace,
 * the caret at the end of a streaming reply, "Thinking…"): while any is shown, every BEAT_MS the
 * marks on the page (the elements MARKS selects) get or lose a `data-mux-beat` attribute
 * together, and CSS dims them while they have it.
 *
 * Why not CSS animations: an infinite animation makes the browser produce a frame at every
 * display refresh for as long as it runs: with ten workspaces streaming, a tab showing only the
 * sidebar spent half the server's CPU, mostly drawing the dots. A beat is two small style changes
 * a second.
 *
 * Why on the marks, not on the root element: a selector like `[data-mux-beat] .mux-live > p`
 * makes the browser re-check every `p`, `li` and heading of the page (the sidebar's rows too)
 * at each beat; an attribute on the mark itself re-styles only the mark (and, for the caret,
 * the streaming message's blocks).
 */
const BEAT_MS = 500;
/** The marks that beat; each gets `data-mux-beat` while the beat is on. */
const MARKS = ".mux-streaming, .mux-beat-fade, .mux-live";

let users = 0;
let timer: ReturnType<typeof setInterval> | undefined;
let on = false;

/** Sets every mark to the beat's phase (a mark shown since the last beat joins in step). */
function beat(next: boolean) {
  on = next;
  for (const el of document.querySelectorAll(MARKS)) el.toggleAttribute("data-mux-beat", on);
}

function start() {
  if (window.matchMedia?.("(prefers-reduced-motion: reduce)").matches) return;
  timer = setInterval(() => beat(!on), BEAT_MS);
}

function stop() {
  clearInterval(timer);
  timer = undefined;
  on = false;
  // Also the marks that stopped being marks (a finished reply's blocks) while the beat was on.
  for (const el of document.querySelectorAll("[data-mux-beat]")) el.removeAttribute("data-mux-beat");
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
