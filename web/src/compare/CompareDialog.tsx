import { useEffect, useState } from "react";
import type { CompareRow, CompareView } from "../../../src/api/compare";
import type { MergeMode } from "../../../src/api/land";
import { call } from "../api/client";
import { Cost, StatusDot } from "../app/badges";
import { InlineError, Modal } from "../dialogs/Modal";
import { errorMessage } from "../state/errors";
import { closeOverlay, selectWorkspace } from "../state/ui";
import { MERGE_MODES } from "../land/modes";
import { type KeepResult, keepWorkspace } from "./keep";

/** Each refresh runs git in every workspace of the run: often while agents work, rarely once all are done. */
const POLL_MS = { working: 2_000, done: 10_000 };

function duration(ms: number | null): string {
  if (ms === null) return "—";
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
}

/** A best-of-N run side by side, refreshed while it is open; any row opens its workspace. */
export function CompareDialog({ groupId, notes = [] }: { groupId: string; notes?: string[] }) {
  const [view, setView] = useState<CompareView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [kept, setKept] = useState<({ row: CompareRow } & KeepResult) | null>(null);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let working = true;
    const load = () =>
      call((api) => api.compare.get({ groupId }))
        .then((v) => {
          working = v.rows.some((r) => r.state === "streaming" || r.state === "starting");
          if (!live) return;
          setView(v);
          setError(null);
        })
        .catch((e: unknown) => live && setError(errorMessage(e)))
        .finally(() => {
          if (live) timer = setTimeout(load, working ? POLL_MS.working : POLL_MS.done);
        });
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [groupId]);

  const open = (id: string) => {
    closeOverlay();
    selectWorkspace(id);
  };
  const [keeping, setKeeping] = useState<string | null>(null);
  const [mode, setMode] = useState<MergeMode>("squash");
  const keep = async (row: CompareRow) => {
    if (!view) return;
    setKeeping(row.workspaceId);
    try {
      setKept({ row, ...(await keepWorkspace(row.workspaceId, mode)) });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setKeeping(null);
    }
  };

  return (
    <Modal title="Compare runs" testId="compare-dialog" onClose={closeOverlay} size="lg">
      <div className="min-h-0 flex-1 space-y-3 overflow-auto px-4 py-3">
        {view && (
          <p data-testid="compare-prompt" className="line-clamp-3 whitespace-pre-wrap text-[12px] text-muted" title={view.group.prompt}>
            {view.group.prompt}
          </p>
        )}
        {notes.map((n) => (
          <InlineError key={n} message={n} testId="compare-note" />
        ))}
        <InlineError message={error} />
        {!view && !error && <p className="text-muted">Loading…</p>}
        {view && (
          <label className="flex items-center gap-2 text-[12px] text-muted">
            "Keep this one" lands it by
            <select className="input py-0.5 text-[12px]" data-testid="compare-keep-mode" value={mode} onChange={(e) => setMode(e.target.value as MergeMode)}>
              {MERGE_MODES.map((m) => (
                <option key={m.mode} value={m.mode}>
                  {m.label}
                </option>
              ))}
            </select>
          </label>
        )}
        {view && (
          <table className="w-full text-left text-[12px]">
            <thead className="text-muted">
              <tr>
                <th className="py-1 font-normal">Workspace</th>
                <th className="py-1 font-normal">Model</th>
                <th className="py-1 text-right font-normal">Files</th>
                <th className="py-1 text-right font-normal">Lines</th>
                <th className="py-1 text-right font-normal">Cost</th>
                <th className="py-1 text-right font-normal">Time</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {view.rows.map((r) => (
                <tr key={r.workspaceId} data-testid={`compare-row-${r.name}`} data-state={r.state} className="border-t border-line">
                  <td className="py-1.5">
                    <button
                      type="button"
                      className="inline-flex items-center gap-1.5 hover:underline"
                      onClick={() => open(r.workspaceId)}
                      data-testid="compare-open"
                    >
                      <StatusDot state={r.state} error={r.error} />
                      {r.name}
                    </button>
                  </td>
                  <td className="py-1.5 font-mono text-muted">{r.model ?? "default"}</td>
                  <td className="py-1.5 text-right font-mono tabular-nums" data-testid="compare-files" title={r.diffError}>
                    {r.diff ? r.diff.files : "—"}
                  </td>
                  <td className="py-1.5 text-right font-mono tabular-nums" data-testid="compare-lines">
                    {r.diff && (
                      <>
                        <span className="text-ok">+{r.diff.insertions}</span> <span className="text-err">−{r.diff.deletions}</span>
                      </>
                    )}
                  </td>
                  <td className="py-1.5 text-right">
                    <Cost cost={r} testId="compare-cost" />
                  </td>
                  <td className="py-1.5 text-right font-mono tabular-nums" data-testid="compare-time">
                    {duration(r.durationMs)}
                  </td>
                  <td className="py-1.5 text-right">
                    <button
                      type="button"
                      className="btn px-1.5 py-0 text-[11px]"
                      data-testid="compare-keep"
                      title="Merge its work into its base (as Land does), then offer to delete the others"
                      disabled={keeping !== null}
                      onClick={() => keep(r)}
                    >
                      {keeping === r.workspaceId ? "Merging…" : "Keep this one"}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {kept && view && !kept.merged && (
          <p data-testid="compare-kept" role="alert" className="rounded border border-warn/50 bg-warn/10 px-3 py-2">
            {kept.message}
          </p>
        )}
        {kept && view && kept.merged && (
          <DeleteOthers
            key={kept.row.workspaceId}
            message={kept.message}
            others={view.rows.filter((r) => r.workspaceId !== kept.row.workspaceId)}
            onDone={() => open(kept.row.workspaceId)}
          />
        )}
      </div>
    </Modal>
  );
}

/**
 * After keeping one (its work merged): offers to delete the others with the usual safe delete (a workspace with
 * unsaved work is refused, and can then be deleted anyway, one by one).
 */
function DeleteOthers({ message, others, onDone }: { message: string; others: CompareRow[]; onDone: () => void }) {
  const [refused, setRefused] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const remove = async (rows: CompareRow[], force: boolean) => {
    setBusy(true);
    const next: Record<string, string> = {};
    for (const r of rows) {
      try {
        await call((api) => api.workspaces.delete({ workspaceId: r.workspaceId, force: force || undefined }));
      } catch (e) {
        next[r.workspaceId] = errorMessage(e).replace(/;?\s*use --force to delete anyway\.?$/, "");
      }
    }
    setRefused(next);
    setBusy(false);
    if (!Object.keys(next).length) onDone();
  };
  const refusedRows = others.filter((r) => refused[r.workspaceId]);
  return (
    <div data-testid="compare-kept" className="space-y-2 rounded border border-line bg-elev px-3 py-2">
      <p>{message}</p>
      {refusedRows.map((r) => (
        <div key={r.workspaceId} className="text-err" data-testid="compare-delete-refusal">
          {r.name}: {refused[r.workspaceId]}
        </div>
      ))}
      <div className="flex gap-2">
        {refusedRows.length ? (
          <button type="button" className="btn btn-danger" data-testid="compare-delete-force" disabled={busy} onClick={() => remove(refusedRows, true)}>
            Delete anyway
          </button>
        ) : (
          others.length > 0 && (
            <button type="button" className="btn btn-danger" data-testid="compare-delete-others" disabled={busy} onClick={() => remove(others, false)}>
              {busy ? "Deleting…" : `Delete the other ${others.length}`}
            </button>
          )
        )}
        <button type="button" className="btn" onClick={onDone}>
          Keep them all
        </button>
      </div>
    </div>
  );
}
