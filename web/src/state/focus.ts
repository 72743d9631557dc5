/**
 * Where keyboard focus goes when things open and close. Overlays (dialogs, palette, settings)
 * remember the control that opened them and give focus back to it; nothing leaves focus on
 * `<body>`, where a keyboard or screen-reader user would have to start over from the top.
 */

let opener: HTMLElement | null = null;

/** The focused element, if it is a real control (not the page itself). */
function focusedControl(): HTMLElement | null {
  const el = document.activeElement;
  return el instanceof HTMLElement && el !== document.body ? el : null;
}

/** Focus has nowhere to be: the page itself, or an element that was just removed. */
export function focusLost(): boolean {
  const el = document.activeElement;
  return !el || el === document.body || !el.isConnected;
}

/** Called as an overlay opens (not when one overlay replaces another: the first opener stays). */
export function rememberOpener() {
  opener = focusedControl();
}

/**
 * After the overlay closed: back to its opener, unless focus already went somewhere on purpose
 * (the composer of a workspace just created). An opener that is gone (a deleted workspace's row)
 * falls back to `fallback`.
 */
export function restoreFocus(fallback: () => HTMLElement | null) {
  const target = opener;
  opener = null;
  if (!focusLost()) return;
  focusable(target)?.focus();
  if (focusLost()) fallback()?.focus();
}

/** How the user last interacted: a workspace picked by touch does not pop up the phone's keyboard. */
let lastInput: "keyboard" | "pointer" = "pointer";
if (typeof window !== "undefined") {
  window.addEventListener("keydown", () => (lastInput = "keyboard"), { capture: true });
  window.addEventListener("pointerdown", () => (lastInput = "pointer"), { capture: true });
}

/** Whether switching workspaces should put the caret in the composer. */
export function composerShouldTakeFocus(): boolean {
  const touchOnly = window.matchMedia?.("(hover: none) and (pointer: coarse)").matches ?? false;
  return !(touchOnly && lastInput === "pointer");
}

/** A control that can take focus now: in the page, shown, and not behind a modal. */
function focusable(el: Element | null): HTMLElement | null {
  if (!(el instanceof HTMLElement) || !el.isConnected || el.closest("[inert]")) return null;
  // Laid out and not visibility:hidden (the closed drawer is hidden, not removed).
  const shown = typeof el.checkVisibility === "function" ? el.checkVisibility({ visibilityProperty: true }) : el.getClientRects().length > 0;
  return shown ? el : null;
}

/**
 * Where focus goes when the control that had it is gone: the phone's menu button (the drawer it
 * was in closed), else the shown workspace's composer, else the sidebar's "New workspace".
 */
export function fallbackFocus(): HTMLElement | null {
  const byTestId = (id: string) => focusable(document.querySelector(`[data-testid="${id}"]`));
  return byTestId("menu-button") ?? byTestId("composer-input") ?? byTestId("new-workspace-button");
}
