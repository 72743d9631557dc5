import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../config/atomicWrite.js";
import { ConfigError } from "../config/errors.js";
import { isBlankJsonc, parseJsonc } from "../config/jsonc.js";
import { realFilePath } from "../config/links.js";
import { muxRoot } from "../config/paths.js";
import { withFileLock } from "../config/lock.js";
import type { Decoded } from "./registry/decode.js";
import { readRegistryDocument } from "./registry/document.js";
import { encodeRegistry } from "./registry/encode.js";
import { type RawRegistry, RegistryFormatError } from "./registry/raw.js";
import type { MuxConfig } from "./schemas.js";

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
 * The registry of projects and workspaces in `MUX_ROOT/config.json`, in the format the original
 * Mux reads and writes too (see registry/raw.ts), so both apps can share one `~/.mux`. Every
 * update is read-modify-write under a lock shared by all processes, then written atomically, so
 * concurrent writers never lose an update; only what changed is written, so whatever the
 * original keeps there stays. A corrupt (or blank) file is backed up and reported, never replaced.
 */
export class ConfigStore {
  readonly file: string;
  /** Serialises updates within this process (the file lock serialises across processes). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly root = muxRoot()) {
    this.file = path.join(root, "config.json");
  }

  read(): MuxConfig {
    return this.load().decoded.config;
  }

  /** The file as a document in the shared format, and the registry it holds. */
  private load(): { doc: RawRegistry; decoded: Decoded } {
    let text: string;
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { doc: {}, decoded: { config: emptyConfig(), projects: new Map(), workspaces: new Map() } };
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
    try {
      return readRegistryDocument(raw, this.root);
    } catch (err) {
      if (err instanceof RegistryFormatError) throw this.corrupt(text, err);
      throw err;
    }
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
      // Beside the file itself, wherever links put it, so every way of reaching it shares the lock.
      return withFileLock(`${realFilePath(this.file)}.lock`, async () => {
        const { doc, decoded } = this.load();
        const config = structuredClone(decoded.config);
        const result = await fn(config);
        encodeRegistry(doc, decoded, config);
        await writeFileAtomic(this.file, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
        return result;
      });
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => {});
    return next;
  }
}
