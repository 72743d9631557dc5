import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigStore, type Workspace } from "../workspace/config.js";
import { RegistryView } from "./registryView.js";

let root: string;
let store: ConfigStore;
beforeEach(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-registry-"));
  store = new ConfigStore(root);
  const workspaces: Workspace[] = Array.from({ length: 10 }, (_, i) => ({
    id: `w${i}`,
    projectPath: "/p",
    name: `ws${i}`,
    branch: null,
    base: null,
    runtime: { type: "local" },
    createdAt: 1,
    settings: {},
  }));
  await store.update((c) => {
    c.projects.push({ path: "/p", name: "p", addedAt: 1 });
    c.workspaces.push(...workspaces);
  });
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("RegistryView", () => {
  it("saves the settings of many sends at once in a couple of registry writes, losing none", async () => {
    const view = new RegistryView(store);
    let writes = 0;
    const update = store.update.bind(store);
    store.update = (fn) => {
      writes++;
      return update(fn);
    };
    const saved = await Promise.all(Array.from({ length: 10 }, (_, i) => view.saveSettings(`w${i}`, { model: `openai:m${i}` })));
    expect(writes).toBeLessThanOrEqual(2);
    expect(new Set(saved.flat())).toEqual(new Set(Array.from({ length: 10 }, (_, i) => `w${i}`)));
    expect(store.read().workspaces.map((w) => w.settings.model)).toEqual(Array.from({ length: 10 }, (_, i) => `openai:m${i}`));
  });

  it("reads the registry again only after it changed on disk (by any writer)", async () => {
    const view = new RegistryView(store);
    const first = view.read();
    expect(view.read()).toBe(first); // unchanged: the same parsed object
    await new ConfigStore(root).update((c) => {
      c.workspaces[0].name = "renamed";
    });
    expect(view.read().workspaces[0].name).toBe("renamed");
  });
});
