import { lazy, Suspense, useEffect, useState } from "react";
import { type PanelTab, closePanel, togglePanel, uiStore } from "../state/ui";
import { CloseIcon } from "./icons";

const CostsPanel = lazy(() => import("../costs/CostsPanel").then((m) => ({ default: m.CostsPanel })));
type ReviewModule = typeof import("../review/ReviewPane");
/** The review pane's module once loaded. */
let reviewModule: ReviewModule | undefined;
let reviewLoading: Promise<ReviewModule> | undefined;
/** The review pane's code (fetched while the page is idle, see WorkspaceHeader), so opening the tab waits only for its data. */
export function loadReview(): Promise<ReviewModule> {
  reviewLoading ??= import("../review/ReviewPane").then(
    (m) => (reviewModule = m),
    (err: unknown) => {
      reviewLoading = undefined; // Retry asks again
      throw err;
    },
  );
  return reviewLoading;
}

/**
 * The review pane, rendered directly once its module is loaded. Not React.lazy: that suspends on
 * its first render even when the chunk is at hand, and React then holds the reveal for its
 * fallback throttle (~300 ms), so the tab opened that much later on the first open of a page.
 */
function ReviewSlot({ workspaceId }: { workspaceId: string }) {
  const [mod, setMod] = useState(reviewModule);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (mod || failed) return;
    let live = true;
    loadReview().then(
      (m) => live && setMod(m),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [mod, failed]);
  if (mod) return <mod.ReviewPane workspaceId={workspaceId} />;
  if (!failed) return <p className="p-3 text-muted">Loading…</p>;
  return (
    <p className="p-3 text-muted" role="alert">
      The review could not be loaded.{" "}
      <button type="button" className="underline hover:text-fg" onClick={() => setFailed(false)}>
        Retry
      </button>
    </p>
  );
}

// xterm.js is its own chunk, loaded when a terminal is first shown.
const TerminalPanel = lazy(() => import("../terminal/TerminalPanel").then((m) => ({ default: m.TerminalPanel })));

const TABS: { tab: PanelTab; label: string }[] = [
  { tab: "review", label: "Review" },
  { tab: "terminal", label: "Terminal" },
  { tab: "costs", label: "Costs" },
];

/** Closes the panel; focus goes back to the header button of the tab it showed (the panel's content is gone). */
function closeAndRefocus(tab: PanelTab) {
  closePanel();
  document.querySelector<HTMLElement>(`[data-testid=${tab}-button]`)?.focus();
}

/**
 * The right-hand panel of a workspace, in tabs (Review, Terminal, Costs). Beside the chat on wide
 * screens, a full-screen view on a phone.
 */
export function RightPanel({ workspaceId, tab }: { workspaceId: string; tab: PanelTab }) {
  useCloseOnEscape(tab);
  const wide = tab !== "costs";
  return (
    <aside
      data-testid="right-panel"
      aria-label={TABS.find((t) => t.tab === tab)?.label}
      className={`flex shrink-0 flex-col border-l border-line bg-panel max-md:fixed max-md:inset-0 max-md:z-30 max-md:w-full max-md:border-l-0 ${
        wide
          ? "w-[min(62vw,1200px)] max-lg:absolute max-lg:inset-y-0 max-lg:right-0 max-lg:z-20 max-lg:w-full max-lg:shadow-2xl"
          : "w-80 max-lg:absolute max-lg:inset-y-0 max-lg:right-0 max-lg:z-20 max-lg:shadow-2xl"
      }`}
    >
      <div className="flex h-9 shrink-0 items-center gap-1 border-b border-line px-2" role="tablist" aria-label="Panel">
        {TABS.map((t) => (
          <button
            key={t.tab}
            type="button"
            role="tab"
            aria-selected={tab === t.tab}
            data-testid={`panel-tab-${t.tab}`}
            className={`rounded px-2 py-1 text-[13px] ${tab === t.tab ? "bg-hover font-semibold text-fg" : "text-muted hover:text-fg"}`}
            onClick={() => togglePanel(t.tab, true)}
          >
            {t.label}
          </button>
        ))}
        <span className="flex-1" />
        <button type="button" className="icon-btn" aria-label={`Close ${tab}`} data-testid={`${tab}-close`} onClick={() => closeAndRefocus(tab)}>
          <CloseIcon />
        </button>
      </div>
      <Suspense fallback={<p className="p-3 text-muted">Loading…</p>}>
        {tab === "review" ? (
          <ReviewSlot key={workspaceId} workspaceId={workspaceId} />
        ) : tab === "terminal" ? (
          <TerminalPanel workspaceId={workspaceId} />
        ) : (
          <CostsPanel workspaceId={workspaceId} />
        )}
      </Suspense>
    </aside>
  );
}

/**
 * Escape closes the panel, when nothing else wanted the key: a dialog or the phone drawer on
 * top, the composer's Escape (which stops the running turn), or the review's own (a selection).
 */
function useCloseOnEscape(tab: PanelTab) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented) return;
      const { overlay, drawerOpen } = uiStore.get();
      if (overlay || drawerOpen) return;
      e.preventDefault();
      closeAndRefocus(tab);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [tab]);
}
