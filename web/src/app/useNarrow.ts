import { useSyncExternalStore } from "react";

/** Below Tailwind's `md` breakpoint the sidebar is a drawer over the chat. */
const NARROW = "(max-width: 767.98px)";

function subscribe(onChange: () => void) {
  const query = window.matchMedia(NARROW);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

export function useNarrow(): boolean {
  return useSyncExternalStore(subscribe, () => window.matchMedia(NARROW).matches);
}
