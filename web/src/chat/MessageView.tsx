import { memo, useState } from "react";
import type { ChatMessage, Part } from "../../../src/agent/messages";
import { useChatActions } from "./context";
import { ContextBoundaryDivider, FileView, RawView } from "./FileAndRawParts";
import { Markdown } from "./markdown/Markdown";
import { ToolCard } from "./tools/ToolCard";
import { Chevron, CopyButton, Spinner, formatTime, formatTokens } from "./ui";

interface Props {
  message: ChatMessage;
  /** This is the message being streamed. */
  streaming?: boolean;
  /** It ended in an error and is the last message: offer Retry. */
  retryable?: boolean;
}

/** One message. Memoized: a finished message renders once, whatever streams after it. */
export const MessageView = memo(function MessageView({ message, streaming = false, retryable = false }: Props) {
  const view = message.role === "user" ? <UserMessage message={message} /> : <AssistantMessage message={message} streaming={streaming} retryable={retryable} />;
  const boundary = message.metadata?.contextBoundary;
  if (!boundary) return view;
  // `/clear` stores a boundary with nothing to say: the divider alone shows it.
  if (boundary === "reset" && !streaming && !message.parts.length) return <ContextBoundaryDivider kind={boundary} />;
  return (
    <>
      <ContextBoundaryDivider kind={boundary} />
      {view}
    </>
  );
});

/** Long pasted text is clamped until expanded. */
const CLAMP_CHARS = 3000;
const CLAMP_LINES = 30;

function UserMessage({ message }: { message: ChatMessage }) {
  const text = message.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
  const long = text.length > CLAMP_CHARS || text.split("\n", CLAMP_LINES + 1).length > CLAMP_LINES;
  const [expanded, setExpanded] = useState(false);
  return (
    <div className="flex justify-end px-3 py-2 sm:px-4" data-testid="message-user" data-message-id={message.id}>
      <div className="max-w-[85%] min-w-0 rounded-lg border border-line bg-elev px-3 py-2" title={formatTime(message.createdAt)}>
        <span className="sr-only">You said:</span>
        <div className={`whitespace-pre-wrap [overflow-wrap:anywhere] ${long && !expanded ? "max-h-96 overflow-hidden" : ""}`}>{text}</div>
        {long && (
          <button type="button" className="mt-1 text-[12px] text-accent hover:underline" onClick={() => setExpanded(!expanded)}>
            {expanded ? "Show less" : "Show all"}
          </button>
        )}
        {message.parts.map((p, i) =>
          p.type === "file" ? <FileView key={i} part={p} /> : p.type === "raw" ? <RawView key={i} label={p.label} value={p.value} /> : null,
        )}
      </div>
    </div>
  );
}

function AssistantMessage({ message, streaming, retryable }: { message: ChatMessage; streaming: boolean; retryable: boolean }) {
  const status = message.metadata?.status ?? "complete";
  const parts = message.parts;
  const visible = parts.some((p) => p.type !== "step-start");
  return (
    <div className="px-3 py-2 sm:px-4" data-testid="message-assistant" data-message-id={message.id} data-status={status}>
      <span className="sr-only">Mux said:</span>
      {message.metadata?.notices?.map((n, i) =>
        // An answer that is only notices is a slash command's result (/cost, /model…): information, not a warning.
        !parts.length && !streaming ? (
          <div
            key={i}
            className="my-1 whitespace-pre-line text-[13px] text-muted [overflow-wrap:anywhere]"
            data-testid="message-notice"
            data-level="info"
            role="status"
          >
            {n}
          </div>
        ) : (
          <div key={i} className="my-1 text-[12px] text-warn [overflow-wrap:anywhere]" data-testid="message-notice" role="status">
            ⚠ {n}
          </div>
        ),
      )}
      <div className="min-w-0">
        {parts.map((p, i) => (
          <PartView key={i} part={p} live={streaming && i === parts.length - 1} />
        ))}
        {streaming && !visible && (
          <div className="flex items-center gap-2 py-1 text-muted" data-testid="assistant-starting">
            <Spinner /> Working…
          </div>
        )}
      </div>
      {status === "interrupted" && (
        <div className="mt-1 text-[12px] text-warn" data-testid="message-interrupted">
          ■ Interrupted{message.metadata?.finishReason === "budget" ? " (budget)" : ""}
        </div>
      )}
      {status === "error" && <MessageError error={message.metadata?.error} retryable={retryable} />}
      {/* A command's answer (notices only, no request) has no model, tokens or cost to show. */}
      {!streaming && (parts.length > 0 || status !== "complete") && <Footer message={message} />}
    </div>
  );
}

const PartView = memo(function PartView({ part, live }: { part: Part; live: boolean }) {
  switch (part.type) {
    case "text":
      return <Markdown text={part.text} className={live ? "mux-live" : ""} />;
    case "reasoning":
      return <Reasoning text={part.text} live={live} />;
    case "tool":
      return <ToolCard part={part} />;
    case "file":
      return <FileView part={part} />;
    case "raw":
      return <RawView label={part.label} value={part.value} />;
    case "step-start":
      return null;
  }
});

function Reasoning({ text, live }: { text: string; live: boolean }) {
  const [open, setOpen] = useState(false);
  if (!text.trim() && !live) return null;
  return (
    <div className="my-1" data-testid="reasoning" data-live={live || undefined}>
      <button type="button" className="inline-flex items-center gap-1 text-[12px] text-muted hover:text-fg" aria-expanded={open} onClick={() => setOpen(!open)}>
        <Chevron open={open} />
        {live ? <span className="mux-beat-fade">Thinking…</span> : <span>Thought</span>}
      </button>
      {open && <div className="mt-1 border-l-2 border-line pl-3 text-[12px] whitespace-pre-wrap text-muted [overflow-wrap:anywhere]">{text}</div>}
    </div>
  );
}

export function ErrorBox({ title, detail, retryable, onDismiss }: { title: string; detail?: string; retryable: boolean; onDismiss?: () => void }) {
  const { retry, running } = useChatActions();
  return (
    <div
      className="my-1.5 flex flex-wrap items-start gap-2 rounded-md border border-err/50 bg-err/10 px-2.5 py-1.5 text-[13px]"
      data-testid="chat-error"
      role="alert"
    >
      <div className="min-w-0 flex-1">
        <div className="font-medium text-err">{title}</div>
        {detail && <div className="mt-0.5 text-[12px] whitespace-pre-wrap text-muted [overflow-wrap:anywhere]">{detail}</div>}
      </div>
      {retryable && (
        <button type="button" className="btn" data-testid="retry-button" disabled={running} onClick={retry}>
          Retry
        </button>
      )}
      {onDismiss && (
        <button type="button" className="btn btn-ghost" aria-label="Dismiss" onClick={onDismiss}>
          ✕
        </button>
      )}
    </div>
  );
}

function MessageError({ error, retryable }: { error?: string; retryable: boolean }) {
  return <ErrorBox title="The request failed" detail={error} retryable={retryable} />;
}

function Footer({ message }: { message: ChatMessage }) {
  const m = message.metadata;
  const usage = m?.usage;
  const text = message.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
  const bits: string[] = [];
  if (m?.model) bits.push(m.model);
  if (m?.mode === "plan") bits.push("plan");
  if (usage) bits.push(`${formatTokens(usage.inputTokens)} in · ${formatTokens(usage.outputTokens)} out`);
  if (m?.costUsd !== undefined) {
    const plus = m.costIncomplete ? "+ (usage not fully reported)" : "";
    bits.push(m.costUsd === null ? "cost unknown" : `$${m.costUsd < 0.01 ? m.costUsd.toFixed(4) : m.costUsd.toFixed(2)}${plus}`);
  }
  if (m?.inheritedFrom && usage) bits.push("counted in the parent workspace");
  if (!bits.length && !text) return null;
  return (
    <div className="mt-0.5 flex min-w-0 items-center gap-2 text-[11px] text-muted" data-testid="message-footer">
      <span className="min-w-0 truncate" title={formatTime(message.createdAt)}>
        {bits.join(" · ")}
      </span>
      {text && <CopyButton text={text} label="Copy" />}
    </div>
  );
}
