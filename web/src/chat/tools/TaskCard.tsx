import type { TaskAwaitResult, TaskReport, TaskStarted } from "../../../../src/tools/types";
import { selectWorkspace } from "../../state/ui";
import { CardFrame, type ToolCardProps } from "./CardFrame";

/** A helper agent (task): its title while it works, then its report (or, started in the background, where it works). */
export function TaskCard({ part }: ToolCardProps) {
  const input = (part.input ?? {}) as { title?: string; agentId?: string; prompt?: string };
  const output = part.state === "done" ? (part.output as TaskReport | TaskStarted | undefined) : undefined;
  const started = output?.status === "running" ? output : undefined;
  const report = output && output.status !== "running" ? output : undefined;
  return (
    <CardFrame part={part} title="Helper" summary={input.title} failed={report !== undefined && report.status !== "completed"}>
      <div className="space-y-1.5 px-2.5 py-2 text-[12px]">
        {input.prompt && <p className="whitespace-pre-wrap text-muted">{input.prompt}</p>}
        {started && (
          <>
            <p className="text-muted" data-testid="task-background">
              Working in the background; its report comes with task_await.
            </p>
            <OpenWorkspace id={started.workspaceId} />
          </>
        )}
        {report && <ReportBody report={report} />}
      </div>
    </CardFrame>
  );
}

/** task_await: the reports of the background helpers that finished, and those still at work. */
export function TaskAwaitCard({ part }: ToolCardProps) {
  const result = part.state === "done" ? (part.output as TaskAwaitResult | undefined) : undefined;
  const reports = result?.reports ?? [];
  const summary = result
    ? `${reports.length} report${reports.length === 1 ? "" : "s"}${result.running.length ? `, ${result.running.length} still working` : ""}`
    : "waiting…";
  return (
    <CardFrame part={part} title="Await helpers" summary={summary} failed={reports.some((r) => r.status !== "completed")}>
      <div className="space-y-2 px-2.5 py-2 text-[12px]">
        {reports.map((r) => (
          <div key={r.taskId} className="space-y-1.5" data-testid="task-await-report">
            <p className="font-medium">{r.title}</p>
            <ReportBody report={r} />
          </div>
        ))}
        {result?.running.map((r) => (
          <p key={r.taskId} className="text-muted">
            {r.title}: still working
          </p>
        ))}
      </div>
    </CardFrame>
  );
}

function ReportBody({ report }: { report: TaskReport }) {
  return (
    <>
      <p className="whitespace-pre-wrap" data-testid="task-report">
        {report.reportMarkdown || report.error || "(no report)"}
      </p>
      <p className="font-mono text-[11px] text-muted">
        {report.branch ?? "no branch"} · {report.commits} commit{report.commits === 1 ? "" : "s"}
        {report.uncommittedFiles ? ` · ${report.uncommittedFiles} uncommitted` : ""}
      </p>
      {report.diffStat && <pre className="overflow-auto font-mono text-[11px] text-muted">{report.diffStat}</pre>}
      <OpenWorkspace id={report.workspaceId} />
    </>
  );
}

/** In the body: the header is a button itself (buttons do not nest). */
function OpenWorkspace({ id }: { id: string }) {
  return (
    <button type="button" data-testid="task-open-workspace" className="text-[11px] text-accent hover:underline" onClick={() => selectWorkspace(id)}>
      Open the helper's workspace
    </button>
  );
}
