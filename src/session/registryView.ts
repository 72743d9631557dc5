import * as fs from "node:fs";
import type { ConfigStore, Workspace } from "../workspace/config.js";
import type { MuxConfig } from "../workspace/schemas.js";

/**
 * The server's view of the registry (config.json): reads that re-parse the file only when it
 * changed, and batched saves of the settings picked with sends.
 */
export class RegistryView {
  private cache: { key: string; config: MuxConfig } | undefined;
  /** Settings picked with sends and not saved yet (workspace id → picks). */
  private readonly picked = new Map<string, Workspace["settings"]>();
  /** The save that takes the picks made from now on; null until there is one. */
  private nextSave: Promise<string[]> | null = null;
  private lastSave: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: ConfigStore) {}

  /**
   * The registry, parsed again only when the file changed: the hub reads it for every list
   * event, send and snapshot, and parsing it (JSONC + schema) is not free. Writes replace the
   * file (a new inode), so its identity, size and mtime tell a change. Read-only.
   */
  read(): MuxConfig {
    let key = "missing";
    try {
      const st = fs.statSync(this.store.file);
      key = `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      // no registry yet: read() gives the empty one (or reports the error)
    }
    if (this.cache?.key === key) return this.cache.config;
    const config = this.store.read();
    this.cache = { key, config };
    return config;
  }

  /**
   * Saves settings picked with a send. A save takes every pick made until it starts, so many
   * agents started at once make a couple of registry writes (each one locks, parses, writes and
   * fsyncs config.json), not one each. Resolves, once the pick is saved, with the ids of every
   * workspace that save changed.
   */
  saveSettings(id: string, picks: Workspace["settings"]): Promise<string[]> {
    this.picked.set(id, { ...this.picked.get(id), ...picks });
    if (this.nextSave) return this.nextSave;
    const save = this.lastSave
      .catch(() => {})
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(async () => {
        this.nextSave = null; // picks from now on go into a later save
        const batch = new Map(this.picked);
        this.picked.clear();
        await this.store.update((config) => {
          for (const [wsId, s] of batch) {
            const w = config.workspaces.find((x) => x.id === wsId);
            if (w) w.settings = { ...w.settings, ...s }; // one deleted meanwhile: nothing to save
          }
        });
        return [...batch.keys()];
      });
    this.nextSave = save;
    this.lastSave = save;
    return save;
  }
}
