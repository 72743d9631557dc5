import { useChatActions } from "../context";
import { Markdown } from "../markdown/Markdown";
import { StatusIcon, type ToolCardProps } from "./CardFrame";

/** propose_plan: the plan as Markdown, highlighted, with "Approve & run" while it is current. */
export function PlanCard({ part }: ToolCardProps) {
  const { actionablePlanId, approvePlan, running } = useChatActions();
  const plan = (part.input as { plan?: string } | undefined)?.plan ?? "";
  const actionable = actionablePlanId === part.toolCallId;
  return (
    <div className="my-2 rounded-md border border-accent/60 bg-accent/5" data-testid="plan-card" data-state={part.state} data-tool-call-id={part.toolCallId}>
      <div className="flex items-center gap-2 border-b border-accent/30 px-3 py-1.5" data-testid="tool-card-propose_plan">
        <StatusIcon part={part} />
        <span className="font-semibold">Plan</span>
        <span className="flex-1" />
        {actionable && (
          <button type="button" className="btn btn-primary" data-testid="plan-approve" disabled={running} onClick={approvePlan}>
            Approve &amp; run
          </button>
        )}
      </div>
      <div className="px-3 py-2">{plan ? <Markdown text={plan} /> : <span className="text-muted">writing the plan…</span>}</div>
    </div>
  );
}
