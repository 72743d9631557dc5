import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../config/atomicWrite.js";

const FILE = "review-marks.json";
const MarksFileSchema = z.object({ version: z.literal(1), hunks: z.record(z.string(), z.number()) });

/**
 * The hunks marked reviewed in one workspace, kept in its session directory (a restart keeps
 * them). Keyed by hunk hash (see hunkHash): a hunk that changes gets a new hash, so its mark no
 * longer applies, and prune() forgets it.
 */
export class ReviewMarks {
  private hunks: Map<string, number> | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly dir: string) {}

  get file(): string {
    return path.join(this.dir, FILE);
  }

  private load(): Map<string, number> {
    if (this.hunks) return this.hunks;
    let entries: [string, number][] = [];
    try {
      entries = Object.entries(MarksFileSchema.parse(JSON.parse(fs.readFileSync(this.file, "utf8"))).hunks);
    } catch {
      // none yet, or unreadable: no marks (marking again rewrites the file)
    }
    this.hunks = new Map(entries);
    return this.hunks;
  }

  has(hash: string): boolean {
    return this.load().has(hash);
  }

  async set(hashes: string[], reviewed: boolean): Promise<void> {
    const hunks = this.load();
    const now = Date.now();
    for (const h of hashes) {
      if (reviewed) hunks.set(h, now);
      else hunks.delete(h);
    }
    await this.save();
  }

  /** Forgets marks of hunks no longer in the diff (they changed, were reverted or committed away). */
  async prune(current: Set<string>): Promise<void> {
    const hunks = this.load();
    let dropped = false;
    for (const h of hunks.keys()) {
      if (!current.has(h)) {
        hunks.delete(h);
        dropped = true;
      }
    }
    if (dropped) await this.save();
  }

  /** Writes one after the other, each a whole new file (atomic rename). */
  private save(): Promise<void> {
    const data = `${JSON.stringify({ version: 1, hunks: Object.fromEntries(this.load()) })}\n`;
    this.writing = this.writing.catch(() => {}).then(() => writeFileAtomic(this.file, data));
    return this.writing;
  }
}
