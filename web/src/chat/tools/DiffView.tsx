import { memo, useMemo } from "react";
import { parseUnifiedDiff, type DiffLine } from "./diffParse";

const ROW: Record<DiffLine["kind"], string> = {
  add: "bg-ok/12",
  del: "bg-err/12",
  ctx: "",
  hunk: "bg-accent/10 text-muted",
  file: "text-muted",
  note: "text-muted italic",
};
const SIGN: Record<DiffLine["kind"], string> = { add: "+", del: "-", ctx: " ", hunk: "", file: "", note: "" };

/** A unified diff with line numbers and +/- coloring; wide lines scroll horizontally. */
export const DiffView = memo(function DiffView({ diff, maxLines = 400 }: { diff: string; maxLines?: number }) {
  const lines = useMemo(() => parseUnifiedDiff(diff).filter((l) => l.kind !== "file"), [diff]);
  const shown = lines.length > maxLines ? lines.slice(0, maxLines) : lines;
  return (
    <div className="max-h-[28rem] overflow-auto bg-bg font-mono text-[12px] leading-[1.45]" data-testid="diff-view">
      <div className="min-w-max">
        {shown.map((l, i) => (
          <div key={i} className={`flex ${ROW[l.kind]}`} data-kind={l.kind}>
            {l.kind === "hunk" || l.kind === "note" ? (
              <span className="px-2.5 whitespace-pre">{l.text}</span>
            ) : (
              <>
                <span className="w-9 shrink-0 pr-1 text-right text-muted/70 select-none tabular-nums">{l.oldNo ?? ""}</span>
                <span className="w-9 shrink-0 pr-1 text-right text-muted/70 select-none tabular-nums">{l.newNo ?? ""}</span>
                <span className={`w-4 shrink-0 text-center select-none ${l.kind === "add" ? "text-ok" : l.kind === "del" ? "text-err" : ""}`}>
                  {SIGN[l.kind]}
                </span>
                <span className="pr-3 whitespace-pre">{l.text}</span>
              </>
            )}
          </div>
        ))}
        {lines.length > shown.length && <div className="px-2.5 py-1 text-muted">… {lines.length - shown.length} more lines</div>}
      </div>
    </div>
  );
});

export function Counts({ added, removed }: { added: number; removed: number }) {
  return (
    <span className="shrink-0 font-mono text-[11px] tabular-nums" data-testid="diff-counts">
      <span className="text-ok">+{added}</span> <span className="text-err">-{removed}</span>
    </span>
  );
}
