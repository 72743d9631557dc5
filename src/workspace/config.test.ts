import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../config/errors.js";
import { ConfigStore } from "./config.js";

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-config-"));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const backups = () => fs.readdirSync(root).filter((f) => f.startsWith("config.json.corrupt-"));

describe("ConfigStore", () => {
  it("a missing config.json is an empty registry", () => {
    expect(new ConfigStore(root).read()).toEqual({ version: 1, projects: [], workspaces: [] });
  });

  for (const [label, text] of [
    ["0 bytes", ""],
    ["only whitespace", "  \n\t\n"],
    ["only comments", "// the projects were here\n"],
  ]) {
    it(`an empty config.json (${label}) is reported like a corrupt one, backed up, and never replaced`, async () => {
      const file = path.join(root, "config.json");
      fs.writeFileSync(file, text);
      const store = new ConfigStore(root);
      expect(() => store.read()).toThrow(ConfigError);
      expect(() => store.read()).toThrow(/config\.json is corrupt \(the file is empty\)\. Nothing was changed/);
      await expect(store.update((c) => c.projects.push({ path: "/p", name: "p", addedAt: 1 }))).rejects.toThrow(/is corrupt/);
      expect(fs.readFileSync(file, "utf8")).toBe(text);
      expect(backups()).toHaveLength(1);
      expect(fs.readFileSync(path.join(root, backups()[0]), "utf8")).toBe(text);
    });
  }

  it("keeps the editor setting as config.json's own `editorLink` key, beside the original Mux's keys", async () => {
    const file = path.join(root, "config.json");
    fs.writeFileSync(file, JSON.stringify({ projects: [], serverSshHost: "box", editorLink: "emacs-please" }));
    const store = new ConfigStore(root);
    // A value this Mux cannot use reads as unset and is left as it is by other updates.
    expect(store.read().editorLink).toBeUndefined();
    await store.update((c) => c.projects.push({ path: "/p", name: "p", addedAt: 1 }));
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toMatchObject({ serverSshHost: "box", editorLink: "emacs-please" });
    await store.update((c) => {
      c.editorLink = "zed://ssh/{host}{path}";
    });
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toMatchObject({ serverSshHost: "box", editorLink: "zed://ssh/{host}{path}" });
    expect(new ConfigStore(root).read().editorLink).toBe("zed://ssh/{host}{path}");
  });

  it("stores reaching one config.json through a link and directly lose no update, and the link stays", async () => {
    const shared = path.join(root, "dotfiles");
    const linked = path.join(root, "linked");
    fs.mkdirSync(shared);
    fs.mkdirSync(linked);
    fs.symlinkSync(path.join(shared, "config.json"), path.join(linked, "config.json"));
    const stores = [new ConfigStore(shared), new ConfigStore(linked)];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        stores[i % 2].update((c) => {
          c.projects.push({ path: `/p${i}`, name: `p${i}`, addedAt: i });
        }),
      ),
    );
    expect(
      stores[1]
        .read()
        .projects.map((p) => p.name)
        .sort(),
    ).toEqual(Array.from({ length: 20 }, (_, i) => `p${i}`).sort());
    expect(fs.lstatSync(path.join(linked, "config.json")).isSymbolicLink()).toBe(true);
  });
});
