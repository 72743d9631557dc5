import { CardFrame, type ToolCardProps } from "./CardFrame";
import { Counts, DiffView } from "./DiffView";

interface EditInput {
  path?: string;
  content?: string;
  old_string?: string;
  new_string?: string;
  line?: number;
}
interface EditOutput {
  path?: string;
  diff?: string;
  linesAdded?: number;
  linesRemoved?: number;
  created?: boolean;
  bytes?: number;
  replacements?: number;
}

const TITLES: Record<string, string> = {
  file_edit_replace_string: "edit",
  file_edit_insert: "insert",
  file_write: "write",
};

/** A new file has no diff: show its content as added lines. */
function creationDiff(content: string): string {
  const lines = content.endsWith("\n") ? content.slice(0, -1).split("\n") : content.split("\n");
  return `@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join("\n")}\n`;
}

/** Removed/added lines of a replace that has not finished yet (from its input). */
function pendingDiff(input: EditInput): string {
  const minus = (input.old_string ?? "").split("\n").map((l) => `-${l}`);
  const plus = (input.new_string ?? "").split("\n").map((l) => `+${l}`);
  return `@@ @@\n${[...minus, ...plus].join("\n")}\n`;
}

/** file_edit_replace_string, file_edit_insert, file_write: the path, +N/-M, and the diff. */
export function EditCard({ part }: ToolCardProps) {
  const input = (part.input ?? {}) as EditInput;
  const out = (part.state === "done" ? (part.output ?? {}) : {}) as EditOutput;
  const path = out.path ?? input.path ?? "";
  let diff = out.diff ?? "";
  let added = out.linesAdded;
  let removed = out.linesRemoved;
  if (!diff && part.state === "done" && input.content !== undefined && (out.created || part.toolName === "file_write")) {
    diff = creationDiff(input.content);
    added ??= input.content === "" ? 0 : diff.split("\n").length - 2;
    removed ??= 0;
  }
  if (!diff && (part.state === "running" || part.state === "pending") && input.old_string !== undefined) diff = pendingDiff(input);
  const badges = (
    <>
      {out.created && <span className="badge shrink-0">new</span>}
      {added !== undefined && removed !== undefined && <Counts added={added} removed={removed} />}
    </>
  );
  return (
    <CardFrame part={part} title={TITLES[part.toolName] ?? part.toolName} summary={path} badges={badges} defaultOpen>
      {diff ? <DiffView diff={diff} /> : null}
    </CardFrame>
  );
}
