import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { type BestOfGroup, BestOfGroupSchema } from "../api/compare.js";
import { writeFileAtomic } from "../config/atomicWrite.js";
import { withFileLock } from "../config/lock.js";

const FileSchema = z.object({ version: z.literal(1), groups: z.array(BestOfGroupSchema) });

/**
 * Which workspaces belong to one best-of-N run, and its prompt: `MUX_ROOT/best-of.json`, a file
 * of Mux's own. Not in config.json: the original Mux drops a workspace's unknown fields when it
 * saves that workspace (a run would silently lose members), and a long prompt has no place in
 * the registry every process re-reads. Written atomically under its own lock.
 */
export class BestOfStore {
  readonly file: string;

  constructor(root: string) {
    this.file = path.join(root, "best-of.json");
  }

  /** The recorded runs; an unreadable file reads as none (it only feeds the compare view). */
  read(): BestOfGroup[] {
    let text: string;
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch {
      return [];
    }
    const parsed = FileSchema.safeParse(safeJson(text));
    return parsed.success ? parsed.data.groups : [];
  }

  /** Applies `fn` to the latest runs and saves them; runs whose workspaces are all gone (per `exists`) are dropped. */
  update<T>(fn: (groups: BestOfGroup[]) => T, exists: (id: string) => boolean): Promise<T> {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    return withFileLock(`${this.file}.lock`, async () => {
      const groups = this.read();
      const result = fn(groups);
      const kept = groups.filter((g) => g.workspaces.some((w) => exists(w.id)));
      await writeFileAtomic(this.file, `${JSON.stringify({ version: 1, groups: kept }, null, 2)}\n`, { mode: 0o600 });
      return result;
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
