/** Review comments as the model reads them (plain text, no React: shared with tests). */

/** A note on some lines of the diff, for the agent. */
export interface LineComment {
  id: string;
  path: string;
  /** `12` or `12-14`: new-file line numbers (old-file ones for removed lines, marked "old"). */
  range: string;
  /** The lines as the diff shows them (with their +/-/space sign). */
  lines: string[];
  note: string;
}

/**
 * The message text with the comments after it, as plain text the model can act on: for each,
 * `path:range`, the quoted lines, and the note.
 */
export function withComments(text: string, comments: LineComment[]): string {
  if (!comments.length) return text;
  const blocks = comments.map((c) => [`${c.path}:${c.range}`, ...c.lines.map((l) => `> ${l}`), c.note].join("\n"));
  const intro = comments.length === 1 ? "Review comment on the changes:" : "Review comments on the changes:";
  return [text, intro, ...blocks].filter(Boolean).join("\n\n");
}
