import { useEffect, useState } from "react";
import { call } from "../../api/client";
import { useChatActions } from "../context";
import { Markdown } from "../markdown/Markdown";
import { StatusIcon, type ToolCardProps } from "./CardFrame";

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * propose_plan: the plan as Markdown, and where its file is. While it is the current plan it can
 * be edited here (saved to that file) and approved: "Approve & run" switches the workspace to
 * exec and sends the file's content, edits included, as the instruction.
 */
export function PlanCard({ part }: ToolCardProps) {
  const { workspaceId, actionablePlanId, approvePlan, running } = useChatActions();
  const proposed = (part.input as { plan?: string } | undefined)?.plan ?? "";
  const file = (part.output as { planFile?: string } | undefined)?.planFile;
  const actionable = actionablePlanId === part.toolCallId;
  /** The file's content, when it is the current plan (the user may have edited it since). */
  const [saved, setSaved] = useState<string | null>(null);
  /** Where the file is now (it moves with a renamed workspace). */
  const [path, setPath] = useState(file);
  const [draft, setDraft] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!actionable || !file) return;
    let live = true;
    call((api) => api.chat.plan({ workspaceId }))
      .then((p) => {
        if (!live) return;
        setPath(p.path);
        if (p.content !== null) setSaved(p.content);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [actionable, file, workspaceId]);

  const plan = saved ?? proposed;
  const act = async (what: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };
  const save = () =>
    act(async () => {
      const p = await call((api) => api.chat.savePlan({ workspaceId, content: draft ?? "" }));
      setSaved(p.content);
      setPath(p.path);
      setDraft(null);
    });

  return (
    <div className="my-2 rounded-md border border-accent/60 bg-accent/5" data-testid="plan-card" data-state={part.state} data-tool-call-id={part.toolCallId}>
      <div className="flex flex-wrap items-center gap-2 border-b border-accent/30 px-3 py-1.5" data-testid="tool-card-propose_plan">
        <StatusIcon part={part} />
        <span className="font-semibold">Plan</span>
        {saved !== null && saved !== proposed && <span className="text-[12px] text-muted">(edited)</span>}
        <span className="flex-1" />
        {actionable && file && draft === null && (
          <button type="button" className="btn" data-testid="plan-edit" disabled={busy} onClick={() => setDraft(plan)}>
            Edit
          </button>
        )}
        {actionable && draft === null && (
          <button type="button" className="btn btn-primary" data-testid="plan-approve" disabled={running || busy} onClick={() => act(approvePlan)}>
            Approve &amp; run
          </button>
        )}
      </div>
      {path && (
        <div className="truncate border-b border-accent/20 px-3 py-1 font-mono text-[11px] text-muted" data-testid="plan-path" title={path}>
          {path}
        </div>
      )}
      {draft !== null ? (
        <div className="space-y-2 px-3 py-2">
          <textarea
            data-testid="plan-editor"
            aria-label="Edit the plan"
            className="block min-h-48 w-full resize-y rounded border border-line bg-bg p-2 font-mono text-[12px]"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
          />
          <div className="flex gap-2">
            <button type="button" className="btn btn-primary" data-testid="plan-save" disabled={busy || !draft.trim()} onClick={save}>
              Save
            </button>
            <button type="button" className="btn" data-testid="plan-cancel" disabled={busy} onClick={() => setDraft(null)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div className="px-3 py-2">{plan ? <Markdown text={plan} /> : <span className="text-muted">writing the plan…</span>}</div>
      )}
      {error && (
        <div className="px-3 pb-2 text-[12px] text-err" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
