import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "./atomicWrite.js";
import { realFilePath } from "./links.js";

let dir: string;
beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "mux-links-")));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `~/.mux` as a link to `~/.xum`, the renamed version's directory. */
function linkedRoot(): { mux: string; xum: string } {
  const xum = path.join(dir, ".xum");
  const mux = path.join(dir, ".mux");
  fs.mkdirSync(xum);
  fs.symlinkSync(xum, mux);
  return { mux, xum };
}

describe("realFilePath", () => {
  it("follows a linked directory, a linked file, chains of links and dangling links", () => {
    const { mux, xum } = linkedRoot();
    expect(realFilePath(path.join(mux, "config.json"))).toBe(path.join(xum, "config.json"));
    fs.mkdirSync(path.join(dir, "dotfiles"));
    fs.symlinkSync(path.join(dir, "dotfiles", "mux-config.json"), path.join(xum, "config.json"));
    // Dangling until the first write creates it.
    expect(realFilePath(path.join(mux, "config.json"))).toBe(path.join(dir, "dotfiles", "mux-config.json"));
    fs.symlinkSync("config.json", path.join(xum, "alias.json"));
    expect(realFilePath(path.join(mux, "alias.json"))).toBe(path.join(dir, "dotfiles", "mux-config.json"));
  });

  it("refuses a loop of links with a clear error", () => {
    fs.symlinkSync(path.join(dir, "b"), path.join(dir, "a"));
    fs.symlinkSync(path.join(dir, "a"), path.join(dir, "b"));
    expect(() => realFilePath(path.join(dir, "a"))).toThrow(`${path.join(dir, "a")}: too many levels of symbolic links`);
  });
});

describe("writing through links", () => {
  it("a data directory that is a link stays a link; the file is written in its target", async () => {
    const { mux, xum } = linkedRoot();
    await writeFileAtomic(path.join(mux, "config.json"), "{}\n", { mode: 0o600 });
    expect(fs.lstatSync(mux).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(xum, "config.json"), "utf8")).toBe("{}\n");
    expect(fs.readdirSync(xum)).toEqual(["config.json"]);
  });

  it("a file that is a link stays a link, and the file it points to gets the content", async () => {
    const { mux, xum } = linkedRoot();
    const target = path.join(dir, "dotfiles", "config.json");
    fs.mkdirSync(path.dirname(target));
    fs.writeFileSync(target, "old\n");
    fs.symlinkSync(target, path.join(xum, "config.json"));
    await writeFileAtomic(path.join(mux, "config.json"), "new\n");
    expect(fs.lstatSync(path.join(xum, "config.json")).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(target, "utf8")).toBe("new\n");
    expect(fs.readdirSync(path.dirname(target))).toEqual(["config.json"]);
  });
});
