import { useEffect } from "react";
import type { PullRequest } from "../../../src/api/land";
import { useStore } from "../state/store";
import { prsStore, startPrs } from "./prs";

const STATE_CLASS: Record<PullRequest["state"], string> = { open: "text-ok", merged: "text-accent", closed: "text-muted" };
const CHECKS: Record<NonNullable<PullRequest["checks"]>, { mark: string; cls: string }> = {
  passing: { mark: "✓", cls: "text-ok" },
  pending: { mark: "…", cls: "text-warn" },
  failing: { mark: "✗", cls: "text-err" },
};

/** `#12 open ✓`: the workspace's pull request and its checks; nothing when it has none. */
export function PrBadge({ workspaceId }: { workspaceId: string }) {
  useEffect(startPrs, []);
  const pr = useStore(prsStore, (s) => s[workspaceId]);
  if (!pr) return null;
  const state = pr.draft && pr.state === "open" ? "draft" : pr.state;
  const checks = pr.checks ? CHECKS[pr.checks] : null;
  return (
    <span
      data-testid="pr-badge"
      data-state={state}
      className="inline-flex shrink-0 items-center gap-0.5"
      title={`Pull request #${pr.number} is ${state}${pr.checks ? `, checks ${pr.checks}` : ""}`}
    >
      <span className={STATE_CLASS[pr.state]}>
        #{pr.number} {state}
      </span>
      {checks && (
        <span data-testid="pr-checks" className={checks.cls}>
          {checks.mark}
        </span>
      )}
    </span>
  );
}
