import type { TaskReport } from "../../../../src/tools/types";
import { selectWorkspace } from "../../state/ui";
import { CardFrame, type ToolCardProps } from "./CardFrame";

/** A helper agent (task): its title while it works, then its report, with a link to its workspace. */
export function TaskCard({ part }: ToolCardProps) {
  const input = (part.input ?? {}) as { title?: string; agentId?: string; prompt?: string };
  const report = part.state === "done" ? (part.output as TaskReport | undefined) : undefined;
  return (
    <CardFrame part={part} title="Helper" summary={input.title} failed={report !== undefined && report.status !== "completed"}>
      <div className="space-y-1.5 px-2.5 py-2 text-[12px]">
        {input.prompt && <p className="whitespace-pre-wrap text-muted">{input.prompt}</p>}
        {report && (
          <>
            <p className="whitespace-pre-wrap" data-testid="task-report">
              {report.reportMarkdown || report.error || "(no report)"}
            </p>
            <p className="font-mono text-[11px] text-muted">
              {report.branch ?? "no branch"} · {report.commits} commit{report.commits === 1 ? "" : "s"}
              {report.uncommittedFiles ? ` · ${report.uncommittedFiles} uncommitted` : ""}
            </p>
            {report.diffStat && <pre className="overflow-auto font-mono text-[11px] text-muted">{report.diffStat}</pre>}
            {/* In the body: the header is a button itself (buttons do not nest). */}
            <button
              type="button"
              data-testid="task-open-workspace"
              className="text-[11px] text-accent hover:underline"
              onClick={() => selectWorkspace(report.workspaceId)}
            >
              Open the helper's workspace
            </button>
          </>
        )}
      </div>
    </CardFrame>
  );
}
