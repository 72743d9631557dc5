import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../config/atomicWrite.js";
import { ConfigError } from "../config/errors.js";
import { isBlankJsonc, parseJsonc } from "../config/jsonc.js";
import { muxRoot } from "../config/paths.js";
import { withFileLock } from "../config/lock.js";
import { type MuxConfig, MuxConfigSchema } from "./schemas.js";

export {
  type MuxConfig,
  MuxConfigSchema,
  type Project,
  ProjectSchema,
  type RuntimeConfig,
  RuntimeConfigSchema,
  type Workspace,
  WorkspaceSchema,
  WorkspaceSettingsSchema,
} from "./schemas.js";

const emptyConfig = (): MuxConfig => ({ version: 1, projects: [], workspaces: [] });

/**
 * The registry of projects and workspaces in `MUX_ROOT/config.json`. Every update is
 * read-modify-write under a lock shared by all processes, then written atomically, so concurrent
 * writers never lose an update. A corrupt (or blank) file is backed up and reported, never replaced.
 */
export class ConfigStore {
  readonly file: string;
  private readonly lockFile: string;
  /** Serialises updates within this process (the file lock serialises across processes). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(root = muxRoot()) {
    this.file = path.join(root, "config.json");
    this.lockFile = `${this.file}.lock`;
  }

  read(): MuxConfig {
    let text: string;
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return emptyConfig();
      throw err;
    }
    // Mux never writes an empty registry (writes are atomic), so a blank one lost its content:
    // reading it as "no projects" would replace it on the next update.
    if (isBlankJsonc(text)) throw this.corrupt(text, new Error("the file is empty"));
    let raw: unknown;
    try {
      raw = parseJsonc(text, this.file);
    } catch (err) {
      throw this.corrupt(text, err as ConfigError);
    }
    const parsed = MuxConfigSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw this.corrupt(text, new Error(`${issue.path.join(".")}: ${issue.message}`));
    }
    return parsed.data;
  }

  /** `err` is a ConfigError from parsing (message starts with file:line:col) or a schema error. */
  private corrupt(text: string, err: Error): ConfigError {
    const backup = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    // Keep the user's data: the file stays where it is, and a copy is saved once per content.
    const existing = fs
      .readdirSync(path.dirname(this.file))
      .find((f) => f.startsWith("config.json.corrupt-") && fs.readFileSync(path.join(path.dirname(this.file), f), "utf8") === text);
    if (!existing) fs.writeFileSync(backup, text, { mode: 0o600 });
    const where = err instanceof ConfigError && err.line ? `:${err.line}:${err.column}` : "";
    const why = err.message.startsWith(this.file) ? err.message.slice(this.file.length).replace(/^:\d+:\d+: /, "") : err.message;
    return new ConfigError(
      `${this.file}${where} is corrupt (${why.split("\n")[0]}). Nothing was changed; a copy is saved as ` +
        `${existing ? path.join(path.dirname(this.file), existing) : backup}. Fix the file or remove it to start over.`,
      this.file,
    );
  }

  /** Applies `fn` to the latest config and saves it; returns what `fn` returned. */
  update<T>(fn: (config: MuxConfig) => T | Promise<T>): Promise<T> {
    const run = () => {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      return withFileLock(this.lockFile, async () => {
        const config = this.read();
        const result = await fn(config);
        await writeFileAtomic(this.file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
        return result;
      });
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => {});
    return next;
  }
}
