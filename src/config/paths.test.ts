import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { expandHome, muxRoot, providersFile, sessionsDir } from "./paths.js";

describe("paths", () => {
  it("uses ~/.mux by default", () => {
    expect(muxRoot({})).toBe(path.join(os.homedir(), ".mux"));
    expect(muxRoot({ MUX_ROOT: "  " })).toBe(path.join(os.homedir(), ".mux"));
  });

  it("relocates everything under MUX_ROOT", () => {
    const env = { MUX_ROOT: "/srv/mux" };
    expect(muxRoot(env)).toBe("/srv/mux");
    expect(providersFile(env)).toBe("/srv/mux/providers.jsonc");
    expect(sessionsDir(env)).toBe("/srv/mux/sessions");
  });

  it("expands ~ in MUX_ROOT and makes it absolute", () => {
    expect(muxRoot({ MUX_ROOT: "~/mux-data" })).toBe(path.join(os.homedir(), "mux-data"));
    expect(muxRoot({ MUX_ROOT: "rel/dir" })).toBe(path.resolve("rel/dir"));
  });

  it("expandHome only expands a leading ~ or ~/", () => {
    expect(expandHome("~")).toBe(os.homedir());
    expect(expandHome("~/.secrets/key")).toBe(path.join(os.homedir(), ".secrets/key"));
    expect(expandHome("~other/key")).toBe("~other/key");
    expect(expandHome("/abs/~/key")).toBe("/abs/~/key");
  });
});
