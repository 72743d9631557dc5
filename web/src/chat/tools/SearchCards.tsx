import { CardFrame, type ToolCardProps } from "./CardFrame";

/** file_read, glob, grep: one line each, expandable to what the tool returned. */

const box = "max-h-72 overflow-auto bg-bg px-2.5 py-1.5 font-mono text-[12px] leading-[1.45]";

export function ReadCard({ part }: ToolCardProps) {
  const input = (part.input ?? {}) as { path?: string; offset?: number; limit?: number };
  const out = (part.state === "done" ? part.output : undefined) as
    | { path?: string; content?: string; totalLines?: number; startLine?: number; endLine?: number; note?: string }
    | undefined;
  const range =
    out?.startLine !== undefined && out.endLine !== undefined
      ? out.startLine === 1 && out.endLine === out.totalLines
        ? `${out.totalLines} lines`
        : `lines ${out.startLine}–${out.endLine} of ${out.totalLines}`
      : undefined;
  return (
    <CardFrame part={part} title="read" summary={out?.path ?? input.path} badges={range && <span className="shrink-0 text-[11px] text-muted">{range}</span>}>
      {out?.content !== undefined ? (
        <pre className={`${box} whitespace-pre`}>
          {out.content}
          {out.note ? `\n\n${out.note}` : ""}
        </pre>
      ) : null}
    </CardFrame>
  );
}

export function GlobCard({ part }: ToolCardProps) {
  const input = (part.input ?? {}) as { pattern?: string; path?: string };
  const out = (part.state === "done" ? part.output : undefined) as { files?: string[]; truncated?: boolean; note?: string } | undefined;
  const files = out?.files ?? [];
  const summary = `${input.pattern ?? ""}${input.path ? ` in ${input.path}` : ""}`;
  const count = out && `${files.length}${out.truncated ? "+" : ""} file${files.length === 1 ? "" : "s"}`;
  return (
    <CardFrame part={part} title="glob" summary={summary} badges={count && <span className="shrink-0 text-[11px] text-muted">{count}</span>}>
      {out ? (
        <pre className={box}>
          {files.join("\n") || "(no files)"}
          {out.note ? `\n\n${out.note}` : ""}
        </pre>
      ) : null}
    </CardFrame>
  );
}

export function GrepCard({ part }: ToolCardProps) {
  const input = (part.input ?? {}) as { pattern?: string; path?: string; glob?: string };
  const out = (part.state === "done" ? part.output : undefined) as
    | { matches?: { file: string; line: number; text: string }[]; truncated?: boolean; note?: string }
    | undefined;
  const matches = out?.matches ?? [];
  const where = [input.path, input.glob].filter(Boolean).join(" ");
  const summary = `/${input.pattern ?? ""}/${where ? ` ${where}` : ""}`;
  const count = out && `${matches.length}${out.truncated ? "+" : ""} match${matches.length === 1 ? "" : "es"}`;
  return (
    <CardFrame part={part} title="grep" summary={summary} badges={count && <span className="shrink-0 text-[11px] text-muted">{count}</span>}>
      {out ? (
        <div className={box}>
          {matches.length === 0 && <div className="text-muted">(no matches)</div>}
          {matches.map((m, i) => (
            <div key={i} className="whitespace-pre">
              <span className="text-accent">{m.file}</span>
              <span className="text-muted">:{m.line}:</span> {m.text}
            </div>
          ))}
          {out.note && <div className="mt-1 text-muted">{out.note}</div>}
        </div>
      ) : null}
    </CardFrame>
  );
}
