/**
 * The reply the UI bench's watch-cost phase streams (bench/uiWatchCost.ts): an agent's typical
 * answer in Markdown — headings, paragraphs, a nested list, a TypeScript code fence, a table — with
 * a short marker (`§` + run + 2-character id) every MARKER_EVERY characters. Each marker starts at
 * a multiple of 4, so with 4-character deltas every marker is one whole delta, and it sits after
 * a word, never where it would change the Markdown around it.
 */

const REPLY = `## What changed

I looked at how the session store writes partial messages and found that every delta rewrites the whole file. That is fine for short replies but grows with the square of the reply's length, so long answers slow the server down while they stream.

### The plan

1. Keep the partial message in memory and write it at most twice a second.
2. On a crash, recover from the last write plus the event log:
   - read the log from the last checkpoint
   - fold the events with the same reducer the browser uses
   - drop a torn last line instead of failing
3. Remove the old per-delta write and its lock.

Here is the new writer, with the timer that coalesces writes:

\`\`\`ts
export class PartialWriter {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: ChatMessage | null = null;

  constructor(private readonly file: string, private readonly everyMs = 500) {}

  /** Remembers the message; writes it within everyMs. */
  update(message: ChatMessage): void {
    this.pending = message;
    this.timer ??= setTimeout(() => this.flush(), this.everyMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending) return;
    fs.writeFileSync(this.file, JSON.stringify(this.pending));
    this.pending = null;
  }
}
\`\`\`

| case | before | after |
| ---- | ------ | ----- |
| short reply | 3 writes | 1 write |
| long reply | 2,000 writes | 40 writes |
| crash mid-reply | last delta kept | last half second lost |
| disk full | stream fails | stream fails at the next write |

The tests cover each row of the table. With this change the server's CPU while twenty agents stream drops by about a third, and the disk sees far fewer small writes.

Let me know if you want the interval configurable; for now it is a constant next to the writer.
`;

/** A marker every this many characters of reply (about one delta in ten). */
const MARKER_EVERY = 40;

/**
 * The reply with markers for run `run` (0–35): `§` + run + id. Returns the text and the ids in
 * stream order.
 */
export function watchText(run: number): { text: string; ids: string[] } {
  const ids: string[] = [];
  let out = "";
  let sinceMarker = 0;
  let column = 0;
  for (let i = 0; i < REPLY.length; i++) {
    const c = REPLY[i];
    out += c;
    sinceMarker++;
    if (c === "\n") {
      column = 0;
      continue;
    }
    column++;
    // After a word, well inside a line (not in a list marker or heading prefix), not on the table's rule line.
    const safe = c === " " && /[\w.,]/.test(REPLY[i - 1]) && column > 8 && !REPLY.slice(i - column + 1, i).startsWith("| --");
    if (!safe || sinceMarker < MARKER_EVERY) continue;
    while (out.length % 4) out += " ";
    const id = run.toString(36) + ids.length.toString(36).padStart(2, "0");
    ids.push(id);
    out += `§${id} `;
    sinceMarker = 0;
  }
  return { text: out, ids };
}
