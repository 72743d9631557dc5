import { useLayoutEffect, useRef } from "react";
import { CopyButton, formatBytes } from "../ui";
import { CardFrame, type ToolCardProps } from "./CardFrame";

interface BashOutput {
  exitCode?: number | null;
  output?: string;
  /** NUL bytes: `output` only says so; the bytes are in the saved file. */
  binary?: boolean;
  truncated?: { fullOutputPath?: string; totalBytes: number; totalLines: number; saveError?: string };
  timedOut?: boolean;
  aborted?: boolean;
  signal?: string;
  note?: string;
  durationMs?: number;
  error?: string;
}

/** Live output kept on screen: the tail (a runaway command must not freeze the page). */
const MAX_SHOWN = 100_000;

function Badge({ tone, children, testId }: { tone: "ok" | "err" | "warn"; children: string; testId?: string }) {
  const color = tone === "ok" ? "text-ok border-ok/40" : tone === "err" ? "text-err border-err/40" : "text-warn border-warn/40";
  return (
    <span data-testid={testId} className={`badge shrink-0 ${color}`}>
      {children}
    </span>
  );
}

export function BashCard({ part }: ToolCardProps) {
  const script = (part.input as { script?: string } | undefined)?.script ?? "";
  const out = (part.output ?? {}) as BashOutput;
  const running = part.state === "running" || part.state === "pending";
  const interrupted = out.aborted || (part.state === "error" && /interrupt|budget/i.test(out.error ?? ""));
  let text = running ? (part.liveOutput ?? "") : (out.output ?? "");
  // The live output is itself a tail (see reduce.ts): what it already dropped counts as hidden.
  const hidden = (running ? (part.liveOmittedChars ?? 0) : 0) + Math.max(0, text.length - MAX_SHOWN);
  if (text.length > MAX_SHOWN) text = text.slice(-MAX_SHOWN);

  const badges = (
    <>
      {out.timedOut && (
        <Badge tone="warn" testId="bash-timed-out">
          timed out
        </Badge>
      )}
      {interrupted && (
        <Badge tone="warn" testId="bash-interrupted">
          interrupted
        </Badge>
      )}
      {out.binary && (
        <Badge tone="warn" testId="bash-binary">
          {`binary · ${formatBytes(out.truncated?.totalBytes ?? 0)}`}
        </Badge>
      )}
      {out.signal && !out.timedOut && <Badge tone="err">{out.signal}</Badge>}
      {typeof out.exitCode === "number" && <Badge tone={out.exitCode === 0 ? "ok" : "err"} testId="bash-exit-code">{`exit ${out.exitCode}`}</Badge>}
    </>
  );
  const firstLine = script.split("\n")[0];

  return (
    <CardFrame
      part={part}
      title="bash"
      summary={firstLine}
      badges={badges}
      failed={!!out.timedOut || !!out.signal || (typeof out.exitCode === "number" && out.exitCode !== 0)}
      defaultOpen
    >
      <div className="relative border-b border-line">
        <pre className="max-h-40 overflow-auto px-2.5 py-1.5 font-mono text-[12px] whitespace-pre-wrap" data-testid="bash-command">
          <span className="text-muted select-none">$ </span>
          {script}
        </pre>
      </div>
      <OutputBox text={text} running={running} hidden={hidden} />
      {out.note && !out.timedOut && <div className="px-2.5 py-1 text-[11px] text-muted">{out.note}</div>}
      {out.timedOut && <div className="px-2.5 py-1 text-[11px] text-warn">{out.note ?? "killed: timed out"}</div>}
      {out.truncated && (
        <div className="flex flex-wrap items-center gap-x-2 px-2.5 py-1 text-[11px] text-muted" data-testid="bash-truncated">
          <span>
            {out.binary
              ? `Binary output (${formatBytes(out.truncated.totalBytes)}), not shown.`
              : `Output truncated (${out.truncated.totalLines} lines, ${formatBytes(out.truncated.totalBytes)}); showing the first and last lines.`}
          </span>
          {out.truncated.fullOutputPath ? (
            <span className="inline-flex min-w-0 items-center gap-1">
              Full output: <code className="truncate font-mono text-fg">{out.truncated.fullOutputPath}</code>
              <CopyButton text={out.truncated.fullOutputPath} label="Copy path" />
            </span>
          ) : (
            out.truncated.saveError && <span className="text-warn">not saved: {out.truncated.saveError}</span>
          )}
        </div>
      )}
    </CardFrame>
  );
}

/** The scrollable output; it follows new output while running unless scrolled up. */
function OutputBox({ text, running, hidden }: { text: string; running: boolean; hidden: number }) {
  const ref = useRef<HTMLPreElement>(null);
  const follow = useRef(true);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && running && follow.current) el.scrollTop = el.scrollHeight;
  }, [text, running]);
  return (
    <pre
      ref={ref}
      data-testid="bash-output"
      className="max-h-64 min-h-[1.75rem] overflow-auto bg-bg px-2.5 py-1.5 font-mono text-[12px] leading-[1.45] whitespace-pre-wrap break-all"
      onScroll={(e) => {
        const el = e.currentTarget;
        follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {hidden > 0 && (
        <span className="text-muted">
          … {formatBytes(hidden)} of earlier output not shown{"\n"}
        </span>
      )}
      {text || <span className="text-muted">{running ? "running…" : "(no output)"}</span>}
    </pre>
  );
}
