import { type ChildProcess, fork } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseProvidersConfig } from "../../src/providers/config.js";
import { REPO_ROOT, tempDirs } from "../helpers/mux.js";
import { connect, type ServerProcess, startServer } from "../helpers/server.js";

/**
 * Many writers saving providers.jsonc at the same moment: every save must be kept, and the
 * user's comments must survive all of them.
 */

const HAND_WRITTEN = `// My providers — written by hand, keep this comment
{
  // personal account
  "anthropic": { "apiKey": "sk-ant-hand-written-0000000000" } // do not touch
}
`;

let dirs: ReturnType<typeof tempDirs>;
const file = () => path.join(dirs.muxRoot, "providers.jsonc");
beforeEach(() => {
  dirs = tempDirs();
  fs.writeFileSync(file(), HAND_WRITTEN);
});
afterEach(() => dirs.cleanup());

function expectCommentsKept(text: string) {
  expect(text).toMatch(/^\/\/ My providers — written by hand, keep this comment\n/);
  expect(text).toContain("  // personal account\n");
  expect(text).toContain(`"anthropic": { "apiKey": "sk-ant-hand-written-0000000000" }, // do not touch\n`);
}

describe("concurrent Settings → Providers saves", () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it("20 custom providers created at once from two clients through the server API are all kept", async () => {
    server = await startServer({ muxRoot: dirs.muxRoot });
    const clients = [await connect(server), await connect(server)];
    try {
      const ids = Array.from({ length: 20 }, (_, i) => `gateway-${i}`);
      await Promise.all(
        ids.map((id, i) =>
          clients[i % 2].api.providers.update({ id, providerType: "openai-compatible", baseUrl: `http://10.0.0.${i}:8000/v1`, models: [`m${i}`] }),
        ),
      );
      const text = fs.readFileSync(file(), "utf8");
      const config = parseProvidersConfig(text, file());
      const kept = ids.filter((id, i) => config[id]?.baseUrl === `http://10.0.0.${i}:8000/v1`);
      expect(kept).toHaveLength(ids.length);
      expectCommentsKept(text);
      expect(fs.statSync(file()).mode & 0o777).toBe(0o600);
      const view = await clients[0].api.providers.get();
      expect(view.providers.filter((p) => p.id.startsWith("gateway-"))).toHaveLength(ids.length);
    } finally {
      for (const c of clients) c.close();
    }
  });
});

/** A process that saves `count` providers at once when told "go" (after it has loaded). */
const WRITER = `
const { updateProvider } = await import(process.env.SETTINGS_MODULE);
const [name, count] = process.argv.slice(2);
process.on("message", async () => {
  try {
    await Promise.all(Array.from({ length: Number(count) }, (_, i) =>
      updateProvider({ id: name + "-" + i, providerType: "openai-compatible", baseUrl: "http://" + name + ".example/v" + i })));
    process.exit(0);
  } catch (err) {
    process.stderr.write(String(err && err.stack || err));
    process.exit(1);
  }
});
process.send("ready");
`;

describe("concurrent writers in separate processes", () => {
  it("every save of 6 processes writing providers.jsonc at once is kept, with the comments", { timeout: 120_000 }, async () => {
    const script = path.join(dirs.base, "writer.mjs");
    fs.writeFileSync(script, WRITER);
    const PROCESSES = 6;
    const EACH = 4;
    const children: ChildProcess[] = [];
    const exits: Promise<number | null>[] = [];
    const ready: Promise<void>[] = [];
    let stderr = "";
    for (let p = 0; p < PROCESSES; p++) {
      const child = fork(script, [`writer${p}`, String(EACH)], {
        execArgv: ["--import", "tsx"],
        env: { ...process.env, MUX_ROOT: dirs.muxRoot, SETTINGS_MODULE: path.join(REPO_ROOT, "src/providers/settings.ts") },
        stdio: ["ignore", "ignore", "pipe", "ipc"],
      });
      child.stderr?.on("data", (c) => (stderr += c));
      children.push(child);
      ready.push(new Promise((resolve) => child.once("message", () => resolve())));
      exits.push(new Promise((resolve) => child.once("exit", resolve)));
    }
    // Every writer has loaded before any starts: their saves overlap.
    await Promise.all(ready);
    for (const child of children) child.send("go");
    expect(await Promise.all(exits), stderr).toEqual(Array(PROCESSES).fill(0));

    const text = fs.readFileSync(file(), "utf8");
    const config = parseProvidersConfig(text, file());
    const expected = Array.from({ length: PROCESSES * EACH }, (_, n) => `writer${Math.floor(n / EACH)}-${n % EACH}`);
    const kept = expected.filter((id) => config[id] !== undefined);
    expect(kept).toEqual(expected);
    expectCommentsKept(text);
    expect(fs.existsSync(`${file()}.lock`)).toBe(false);
  });
});
