import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadMcpConfig } from "./config.js";
import { removeServer, saveServer, serverView, setServerDisabled } from "./settings.js";

let root: string;
let file: string;
const env = () => ({ MUX_ROOT: root });
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-mcp-settings-"));
  file = path.join(root, "mcp.jsonc");
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("editing mcp.jsonc", () => {
  it("adds servers to a new private file; a plain command stays the one-line form", async () => {
    await saveServer({ name: "memory", transport: "stdio", command: "npx -y @modelcontextprotocol/server-memory" }, env());
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, "utf8")).toContain('"memory": "npx -y @modelcontextprotocol/server-memory"');
    await saveServer({ name: "api", transport: "http", url: "https://example.com/mcp", headers: { Authorization: "Bearer secret-value-123" } }, env());
    expect(loadMcpConfig(env()).servers.api).toMatchObject({
      transport: "http",
      url: "https://example.com/mcp",
      headers: { Authorization: "Bearer secret-value-123" },
    });
  });

  it("keeps the user's comments and the values the browser did not send", async () => {
    fs.writeFileSync(
      file,
      `{
  // my servers
  "servers": {
    "local": { // the one I wrote
      "command": "node",
      "args": ["srv.js"],
      "env": { "TOKEN": "keep-this-secret-1" }, // do not lose
    },
    "memory": "npx -y @modelcontextprotocol/server-memory", // memory
  },
}
`,
    );
    await saveServer({ name: "local", transport: "stdio", command: "node", args: ["srv.js", "--v"], env: { EXTRA: "x" } }, env());
    const text = fs.readFileSync(file, "utf8");
    for (const comment of ["// my servers", "// the one I wrote", "// do not lose", "// memory"]) expect(text).toContain(comment);
    expect(loadMcpConfig(env()).servers.local).toMatchObject({ args: ["srv.js", "--v"], env: { TOKEN: "keep-this-secret-1", EXTRA: "x" } });

    await saveServer({ name: "local", transport: "stdio", command: "node", env: { TOKEN: null, EXTRA: null } }, env());
    expect(loadMcpConfig(env()).servers.local).not.toHaveProperty("env");

    await setServerDisabled("memory", true, env());
    expect(loadMcpConfig(env()).servers.memory).toMatchObject({ command: "npx -y @modelcontextprotocol/server-memory", disabled: true });
    await removeServer("local", env());
    expect(Object.keys(loadMcpConfig(env()).servers)).toEqual(["memory"]);
    expect(fs.readFileSync(file, "utf8")).toContain("// my servers");
  });

  it("never rewrites a file it cannot read", async () => {
    fs.writeFileSync(file, '{ "servers": { "a": "x" "b": "y" } }');
    await expect(saveServer({ name: "c", transport: "stdio", command: "z" }, env())).rejects.toThrow(/mcp\.jsonc:1:\d+:/);
    expect(fs.readFileSync(file, "utf8")).toBe('{ "servers": { "a": "x" "b": "y" } }');
  });

  it("shows the names of env variables and headers, never their values", () => {
    fs.writeFileSync(
      file,
      JSON.stringify({ servers: { s: { command: "x", env: { K: "value-of-k-123" } }, h: { url: "https://e.com", headers: { A: "header-value-1" } } } }),
    );
    const views = Object.values(loadMcpConfig(env()).servers).map((s) => serverView(s, env()));
    expect(views.map((v) => [v.envKeys, v.headerKeys])).toEqual([
      [["K"], []],
      [[], ["A"]],
    ]);
    expect(JSON.stringify(views)).not.toMatch(/value-of-k|header-value/);
  });
});
