import { useState, type ReactNode } from "react";
import type { ToolPart } from "../../../../src/agent/messages";
import { Chevron, Spinner, formatDuration } from "../ui";

export interface ToolCardProps {
  part: ToolPart;
}

/** The `{error}` a failed tool returns (see src/agent/executeTool.ts). */
export function toolError(part: ToolPart): string | null {
  if (part.state !== "error") return null;
  const e = (part.output as { error?: unknown } | undefined)?.error;
  return typeof e === "string" ? e : "the tool failed";
}

export function StatusIcon({ part, failed }: { part: ToolPart; failed?: boolean }) {
  if (part.state === "pending" || part.state === "running") return <Spinner className="text-accent" />;
  if (part.state === "error" || failed)
    return (
      <span className="text-err">
        <span aria-hidden="true">✕</span>
        <span className="sr-only">failed</span>
      </span>
    );
  return (
    <span className="text-ok">
      <span aria-hidden="true">✓</span>
      <span className="sr-only">done</span>
    </span>
  );
}

/**
 * Cards the user opened or closed, by tool call: the choice outlives the component, which is
 * remounted when the streaming message becomes the saved one or scrolls out of the list and back.
 */
const chosen = new Map<string, boolean>();

/**
 * The frame every tool card shares: a one-line header (clickable to expand when there is a
 * body), then the body.
 */
export function CardFrame({
  part,
  title,
  summary,
  badges,
  children,
  defaultOpen = false,
  failed = false,
  className = "",
}: {
  part: ToolPart;
  title: string;
  summary?: ReactNode;
  badges?: ReactNode;
  children?: ReactNode;
  defaultOpen?: boolean;
  /** Finished but unsuccessful (non-zero exit, timeout): shown like an error. */
  failed?: boolean;
  className?: string;
}) {
  const [open, setOpenState] = useState(() => chosen.get(part.toolCallId) ?? defaultOpen);
  const setOpen = (next: boolean) => {
    chosen.set(part.toolCallId, next);
    setOpenState(next);
  };
  const expandable = children !== undefined && children !== null && children !== false;
  const error = toolError(part);
  const header = (
    <>
      <StatusIcon part={part} failed={failed} />
      <span className="shrink-0 font-medium">{title}</span>
      <span className="min-w-0 flex-1 truncate font-mono text-[12px] text-muted">{summary}</span>
      {badges}
      {part.durationMs !== undefined && <span className="shrink-0 text-[11px] text-muted tabular-nums">{formatDuration(part.durationMs)}</span>}
      {expandable && <Chevron open={open} />}
    </>
  );
  return (
    <div
      className={`my-1.5 min-w-0 rounded-md border border-line bg-panel text-[13px] ${className}`}
      data-testid={`tool-card-${part.toolName}`}
      data-state={part.state}
      data-tool-call-id={part.toolCallId}
    >
      {expandable ? (
        <button
          type="button"
          className="flex w-full min-w-0 items-center gap-2 px-2.5 py-1.5 text-left hover:bg-hover"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          {header}
        </button>
      ) : (
        <div className="flex min-w-0 items-center gap-2 px-2.5 py-1.5">{header}</div>
      )}
      {error && <div className="border-t border-line px-2.5 py-1.5 font-mono text-[12px] whitespace-pre-wrap text-err">{error}</div>}
      {expandable && open && <div className="border-t border-line">{children}</div>}
    </div>
  );
}
