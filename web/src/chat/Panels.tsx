import { memo, useEffect, useState } from "react";
import type { ChatErrorEvent, InitLog, QueuedMessage, RetryNotice } from "./chatState";
import { ErrorBox } from "./MessageView";
import type { TodoItem } from "./selectors";
import { TodoItems, todoProgress } from "./tools/TodoCard";
import { Chevron, Spinner, formatDuration } from "./ui";

/** The latest todo list, pinned above the composer. */
export const TodoPanel = memo(function TodoPanel({ todos }: { todos: TodoItem[] }) {
  const allDone = todos.every((t) => t.status === "completed");
  const [open, setOpen] = useState(!allDone);
  useEffect(() => setOpen(!allDone), [allDone]);
  const current = todos.find((t) => t.status === "in_progress");
  return (
    <div className="border-t border-line bg-panel px-2 sm:px-3" data-testid="todo-list">
      <div className="mx-auto max-w-3xl">
        <button type="button" className="flex w-full min-w-0 items-center gap-2 py-1 text-left text-[12px]" aria-expanded={open} onClick={() => setOpen(!open)}>
          <Chevron open={open} />
          <span className="font-medium">Todos</span>
          <span className="text-muted">{todoProgress(todos)}</span>
          {!open && current && <span className="min-w-0 truncate text-muted">· {current.content}</span>}
        </button>
        {open && (
          <div className="max-h-40 overflow-y-auto pb-1.5 pl-5 text-[12.5px]">
            <TodoItems todos={todos} />
          </div>
        )}
      </div>
    </div>
  );
});

/** Messages the server holds until the running turn ends. */
export function QueuedPanel({ queued, onClear }: { queued: QueuedMessage[]; onClear: () => void }) {
  return (
    <div className="border-t border-line bg-panel px-2 py-1 sm:px-3" data-testid="queued-messages">
      <div className="mx-auto flex max-w-3xl items-start gap-2">
        <div className="min-w-0 flex-1 text-[12px]">
          <div className="text-muted">Queued — sent when the agent finishes:</div>
          {queued.map((q) => (
            <div key={q.id} className="truncate" data-testid="queued-message" title={q.text}>
              {q.text}
            </div>
          ))}
        </div>
        <button type="button" className="btn btn-ghost shrink-0" data-testid="clear-queue" onClick={onClear}>
          Clear queue
        </button>
      </div>
    </div>
  );
}

/** The workspace's `.mux/init` hook output (streamed while the workspace is created). */
export function InitLogPanel({ init }: { init: InitLog }) {
  const [open, setOpen] = useState(init.status !== "ok");
  useEffect(() => {
    if (init.status === "failed") setOpen(true);
  }, [init.status]);
  const label = init.status === "running" ? "running" : init.status === "ok" ? "done" : `failed (exit ${init.exitCode ?? "?"})`;
  return (
    <div className="border-b border-line bg-panel px-2 sm:px-3" data-testid="init-log" data-status={init.status}>
      <div className="mx-auto max-w-3xl">
        <button type="button" className="flex w-full items-center gap-2 py-1 text-left text-[12px]" aria-expanded={open} onClick={() => setOpen(!open)}>
          <Chevron open={open} />
          {init.status === "running" && <Spinner className="text-accent" />}
          <span className="font-medium">Init hook</span>
          <span className="min-w-0 truncate font-mono text-muted">{init.hook}</span>
          <span className={init.status === "failed" ? "text-err" : "text-muted"}>{label}</span>
          {init.durationMs !== undefined && <span className="text-muted">{formatDuration(init.durationMs)}</span>}
        </button>
        {open && (
          <pre className="mb-1.5 max-h-56 overflow-auto rounded bg-bg px-2 py-1 font-mono text-[12px] whitespace-pre-wrap break-all">
            {init.output || "(no output)"}
          </pre>
        )}
      </div>
    </div>
  );
}

const ERROR_TITLES: Record<string, string> = {
  auth: "Authentication failed — check the provider's API key in Settings",
  bad_request: "The provider rejected the request",
  rate_limit: "Rate limited by the provider",
  server: "The provider had a server error",
  network: "Network error",
  stalled: "The provider stopped responding",
  malformed_response: "The provider sent a malformed response",
  config: "Configuration problem",
  unknown: "Error",
};

function errorDetail(e: ChatErrorEvent): string {
  const extra = [e.provider && `provider ${e.provider}`, e.status && `HTTP ${e.status}`, e.url, e.keySource && `key from ${e.keySource}`].filter(Boolean);
  return extra.length ? `${e.message}\n${extra.join(" · ")}` : e.message;
}

/** After the last message: turn-level errors, the retry notice, "starting". */
export function ChatFooter({
  errors,
  retry,
  awaiting,
  onDismiss,
}: {
  errors: ChatErrorEvent[];
  retry: RetryNotice | null;
  awaiting: boolean;
  onDismiss: () => void;
}) {
  return (
    <>
      {retry && (
        <div className="my-1 flex items-center gap-2 text-[12px] text-muted" data-testid="retry-notice">
          <Spinner className="text-warn" />
          <span className="min-w-0 [overflow-wrap:anywhere]">
            Retrying in {retry.delayMs < 1000 ? formatDuration(retry.delayMs) : `${Math.round(retry.delayMs / 1000)}s`} (attempt {retry.attempt} of{" "}
            {retry.maxAttempts}): {retry.reason}
          </span>
        </div>
      )}
      {awaiting && (
        <div className="my-1 flex items-center gap-2 text-[12px] text-muted" data-testid="assistant-starting">
          <Spinner /> Starting…
        </div>
      )}
      {errors.map((e, i) => (
        <ErrorBox key={i} title={ERROR_TITLES[e.kind] ?? "Error"} detail={errorDetail(e)} retryable={i === errors.length - 1} onDismiss={onDismiss} />
      ))}
    </>
  );
}
