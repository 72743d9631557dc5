import { useState } from "react";
import type { MergeMode, MergeResult, PushResult } from "../../../src/api/land";
import { call } from "../api/client";
import { InlineError, Modal } from "../dialogs/Modal";
import { errorMessage } from "../state/errors";
import type { WorkspaceSummary } from "../state/types";
import { openOverlay } from "../state/ui";
import { MERGE_MODES } from "./modes";
import { refreshPrs } from "./prs";

/** What a merge did or why it changed nothing, in words. */
function mergeText(r: MergeResult): string {
  switch (r.status) {
    case "merged":
      return `Merged into ${r.trunk} (${r.mode}, ${r.commits} commit${r.commits === 1 ? "" : "s"}) at ${r.commit.slice(0, 10)}.${r.checkout ? ` ${r.checkout} is up to date.` : ""}`;
    case "up-to-date":
      return `Nothing to merge: ${r.trunk} already has everything committed here.`;
    case "conflict":
      return `Merging into ${r.trunk} conflicts in ${r.files.join(", ")}. Nothing was changed.`;
    case "dirty-trunk":
      return `${r.trunk} is checked out in ${r.checkout}, where the merge would overwrite ${r.files.join(", ")}. Nothing was changed: commit or move those there, then merge again.`;
  }
}

/** The message sent to the agent when a merge conflicts: a normal chat message, nothing hidden. */
export function rebaseRequest(r: Extract<MergeResult, { status: "conflict" }>): string {
  return `Please rebase this branch onto ${r.rebaseOnto} and resolve the conflicts (in ${r.files.join(", ")}), keeping both sides' intent, then make sure the result builds and its tests pass.`;
}

/**
 * Landing a workspace's work: commit its changes with your message, merge its branch into the
 * trunk (then offer the safe delete), push it and open a pull request.
 */
export function LandDialog({ workspace: w, onClose }: { workspace: WorkspaceSummary; onClose: () => void }) {
  const [message, setMessage] = useState("");
  const [mode, setMode] = useState<MergeMode>("squash");
  const [mergeMessage, setMergeMessage] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [merge, setMerge] = useState<MergeResult | null>(null);
  const [push, setPush] = useState<PushResult | null>(null);
  const dirty = w.git?.dirtyFiles ?? 0;
  // The project directory itself has no branch of its own to merge or push.
  const branchless = w.runtime.type === "local" || !w.branch;

  const run = async <T,>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(what);
    setError(null);
    setNote(null);
    try {
      return await fn();
    } catch (e) {
      setError(errorMessage(e));
      return undefined;
    } finally {
      setBusy(null);
    }
  };

  const commit = async () => {
    const r = await run("commit", () => call((api) => api.land.commit({ workspaceId: w.id, message })));
    if (!r) return;
    if (r.status === "clean") setNote("Nothing to commit.");
    else {
      setNote(`Committed ${r.commit.slice(0, 10)} (${r.files} file${r.files === 1 ? "" : "s"}).`);
      setMessage("");
    }
  };

  const doMerge = async () => {
    const text = mergeMessage.trim();
    const r = await run("merge", () => call((api) => api.land.merge({ workspaceId: w.id, mode, message: mode !== "rebase" && text ? text : undefined })));
    if (r) setMerge(r);
  };

  const askAgent = async (r: Extract<MergeResult, { status: "conflict" }>) => {
    const sent = await run("ask", () => call((api) => api.chat.send({ workspaceId: w.id, text: rebaseRequest(r) })));
    if (sent) onClose();
  };

  const doPush = async (pr: boolean) => {
    const r = await run(pr ? "pr" : "push", () => call((api) => api.land.push({ workspaceId: w.id, pr })));
    if (r) {
      setPush(r);
      refreshPrs();
    }
  };

  return (
    <Modal title={`Land ${w.name}`} testId="land-dialog" onClose={onClose} size="md">
      <div className="space-y-4 overflow-y-auto px-4 py-3">
        <section className="space-y-2" aria-label="Commit">
          <h3 className="text-xs font-semibold tracking-wide text-muted uppercase">Commit {dirty ? `(${dirty} changed file${dirty === 1 ? "" : "s"})` : ""}</h3>
          <textarea
            className="input min-h-16 w-full font-mono text-xs"
            data-testid="land-commit-message"
            aria-label="Commit message"
            placeholder="Commit message"
            value={message}
            onChange={(e) => setMessage(e.target.value)}
          />
          <button type="button" className="btn" data-testid="land-commit" disabled={!message.trim() || busy !== null} onClick={commit}>
            {busy === "commit" ? "Committing…" : "Commit all changes"}
          </button>
        </section>

        {!branchless && (
          <>
            <section className="space-y-2 border-t border-line pt-3" aria-label="Merge">
              <h3 className="text-xs font-semibold tracking-wide text-muted uppercase">Merge into {w.base ?? "trunk"}</h3>
              <div className="flex flex-wrap gap-3" role="radiogroup" aria-label="Merge mode">
                {MERGE_MODES.map((m) => (
                  <label key={m.mode} className="inline-flex items-center gap-1">
                    <input type="radio" name="merge-mode" data-testid={`land-mode-${m.mode}`} checked={mode === m.mode} onChange={() => setMode(m.mode)} />
                    {m.label}
                  </label>
                ))}
              </div>
              {mode !== "rebase" && (
                <input
                  className="input w-full text-xs"
                  data-testid="land-merge-message"
                  aria-label="Merge commit message (optional)"
                  placeholder={mode === "squash" ? "Squash commit message (default: from the commits)" : "Merge commit message (optional)"}
                  value={mergeMessage}
                  onChange={(e) => setMergeMessage(e.target.value)}
                />
              )}
              <button type="button" className="btn btn-primary" data-testid="land-merge" disabled={busy !== null} onClick={doMerge}>
                {busy === "merge" ? "Merging…" : "Merge"}
              </button>
              {merge && (
                <div
                  data-testid="land-merge-result"
                  data-status={merge.status}
                  role="status"
                  className={`rounded border px-2 py-1.5 ${merge.status === "merged" || merge.status === "up-to-date" ? "border-line" : "border-warn/50 bg-warn/10"}`}
                >
                  <p>{mergeText(merge)}</p>
                  {(merge.status === "merged" || merge.status === "up-to-date") && merge.uncommitted.length > 0 && (
                    <p className="text-warn">Not merged: {merge.uncommitted.length} uncommitted change(s). Commit them first.</p>
                  )}
                  {merge.status === "conflict" && (
                    <button type="button" className="btn mt-1.5" data-testid="land-ask-rebase" disabled={busy !== null} onClick={() => askAgent(merge)}>
                      Ask the agent to rebase onto {merge.trunk} and resolve
                    </button>
                  )}
                  {(merge.status === "merged" || merge.status === "up-to-date") && (
                    <button
                      type="button"
                      className="btn btn-danger mt-1.5"
                      data-testid="land-delete"
                      onClick={() => {
                        onClose();
                        openOverlay({ kind: "delete", workspaceId: w.id });
                      }}
                    >
                      Delete this workspace…
                    </button>
                  )}
                </div>
              )}
            </section>

            <section className="space-y-2 border-t border-line pt-3" aria-label="Push">
              <h3 className="text-xs font-semibold tracking-wide text-muted uppercase">Push</h3>
              <div className="flex gap-2">
                <button type="button" className="btn" data-testid="land-push" disabled={busy !== null} onClick={() => doPush(false)}>
                  {busy === "push" ? "Pushing…" : "Push"}
                </button>
                <button type="button" className="btn" data-testid="land-open-pr" disabled={busy !== null} onClick={() => doPush(true)}>
                  {busy === "pr" ? "Opening…" : "Push and open pull request"}
                </button>
              </div>
              {push && (
                <div data-testid="land-push-result" role="status" className="space-y-1">
                  <p>
                    Pushed {push.branch} to {push.remote}.
                  </p>
                  {push.pr && (
                    <p>
                      Pull request{" "}
                      <a className="text-accent underline" href={push.pr.url} target="_blank" rel="noreferrer" data-testid="land-pr-link">
                        #{push.pr.number}
                      </a>{" "}
                      is {push.pr.state}.
                    </p>
                  )}
                  {!push.pr && push.compareUrl && (
                    <p>
                      <a className="text-accent underline" href={push.compareUrl} target="_blank" rel="noreferrer" data-testid="land-compare-link">
                        Open a pull request
                      </a>
                      {push.prNote ? ` (${push.prNote})` : ""}
                    </p>
                  )}
                  {!push.pr && !push.compareUrl && push.prNote && <p className="text-muted">No pull request: {push.prNote}</p>}
                </div>
              )}
            </section>
          </>
        )}
        {note && (
          <p data-testid="land-note" role="status">
            {note}
          </p>
        )}
        <InlineError message={error} testId="land-error" />
      </div>
    </Modal>
  );
}
