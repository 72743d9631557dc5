import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../config/errors.js";
import { loadMcpConfig, parseMcpConfig, untrustedProjectFile } from "./config.js";

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-mcp-config-"));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("mcp.jsonc", () => {
  it("reads the original Mux's forms: a command line, stdio objects, URLs, disabled servers and allowlists", () => {
    const text = `{
  "servers": {
    // a comment, and a trailing comma below
    "memory": "npx -y @modelcontextprotocol/server-memory",
    "local": { "command": "node", "args": ["srv.js"], "env": { "TOKEN": "t" }, "cwd": "tools" },
    "api": { "url": "https://example.com/mcp", "headers": { "Authorization": "Bearer x", "X-Key": { "secret": "API_KEY" } } },
    "old": { "transport": "sse", "url": "https://example.com/sse", "disabled": true, "toolAllowlist": ["a"] },
  },
}`;
    const servers = parseMcpConfig(text, "/x/mcp.jsonc", "global");
    expect(servers.memory).toMatchObject({ transport: "stdio", command: "npx -y @modelcontextprotocol/server-memory", disabled: false });
    expect(servers.memory).not.toHaveProperty("args");
    expect(servers.local).toMatchObject({ transport: "stdio", command: "node", args: ["srv.js"], env: { TOKEN: "t" }, cwd: "tools" });
    expect(servers.api).toMatchObject({
      transport: "auto",
      url: "https://example.com/mcp",
      headers: { Authorization: "Bearer x", "X-Key": { secret: "API_KEY" } },
    });
    expect(servers.old).toMatchObject({ transport: "sse", disabled: true, toolAllowlist: ["a"] });
  });

  it("a syntax error names file:line:column", () => {
    const text = '{\n  "servers": {\n    "a": "x"\n    "b": "y"\n  }\n}\n';
    expect(() => parseMcpConfig(text, "/p/mcp.jsonc", "global")).toThrow(/^\/p\/mcp\.jsonc:4:5: /);
  });

  it("a server without a command or URL is named with its line", () => {
    const text = '{\n  "servers": {\n    "bad": { "args": [] }\n  }\n}\n';
    let error: unknown;
    try {
      parseMcpConfig(text, "/p/mcp.jsonc", "global");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^\/p\/mcp\.jsonc:3:\d+: server "bad": needs a "command"/);
  });

  it("a broken file is a problem, not a crash; a project's file counts only once trusted", () => {
    const project = path.join(root, "project");
    fs.mkdirSync(path.join(project, ".mux"), { recursive: true });
    fs.writeFileSync(path.join(project, ".mux", "mcp.jsonc"), '{ "servers": { "p": "run-p", "g": "override" } }');
    fs.writeFileSync(path.join(root, "mcp.jsonc"), '{ "servers": { "g": "run-g" } }');
    const env = { MUX_ROOT: root };
    expect(Object.keys(loadMcpConfig(env, { path: project, trusted: false }).servers)).toEqual(["g"]);
    expect(untrustedProjectFile({ path: project, trusted: false })).toBe(path.join(project, ".mux", "mcp.jsonc"));
    const trusted = loadMcpConfig(env, { path: project, trusted: true });
    expect(trusted.servers.g).toMatchObject({ command: "override", scope: "project" });
    expect(trusted.servers.p).toBeDefined();

    fs.writeFileSync(path.join(root, "mcp.jsonc"), '{ "servers": { "g": "run-g", } ');
    const broken = loadMcpConfig(env, { path: project, trusted: true });
    expect(broken.problems[0]).toMatch(new RegExp(`^${path.join(root, "mcp.jsonc")}:1:\\d+: `));
    expect(Object.keys(broken.servers).sort()).toEqual(["g", "p"]);
  });
});
