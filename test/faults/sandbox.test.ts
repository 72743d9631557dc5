/**
 * Fault suite: a (possibly prompt-injected) agent trying to reach what is outside its workspace
 * or Mux's own secrets. Real `mux run` processes against the fake provider; what the model would
 * have seen is read from the requests the fake provider received.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeProvider } from "../fake-provider/index.js";
import { gitIn, makeRepo } from "../helpers/git.js";
import { lastEvent, runMux } from "../helpers/mux.js";
import { fakeProviderSuite, type TempDirs } from "../helpers/suite.js";

const KEY = "sk-ant-sandbox-0123456789abcdef";
const SERVER_TOKEN = "mux-server-token-sandbox-9876543210";
const SECRET = "OUTSIDE-SECRET-7f3a";

let fake: FakeProvider;
let dirs: TempDirs;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
});

/** Everything the model was sent after the tools ran, and everything the CLI printed. */
function seen(r: { stdout: string; stderr: string }): string {
  return JSON.stringify(fake.requests.map((q) => q.body)) + r.stdout + r.stderr;
}

/** A PATH with every command of the current one except ripgrep: grep must use its JS fallback. */
function pathWithoutRipgrep(base: string): string {
  const bin = path.join(base, "bin-no-rg");
  fs.mkdirSync(bin);
  for (const dir of (process.env.PATH ?? "").split(":")) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (name === "rg" || fs.existsSync(path.join(bin, name))) continue;
      fs.symlinkSync(path.join(dir, name), path.join(bin, name));
    }
  }
  return bin;
}

describe.each([
  { engine: "ripgrep", noRg: false },
  { engine: "the JS fallback (no ripgrep on PATH)", noRg: true },
])("a read-only (plan mode) agent cannot read outside its workspace through symlinks, grep using $engine", ({ noRg }) => {
  let outside: string;
  beforeEach(() => {
    outside = fs.mkdtempSync(path.join(os.tmpdir(), "mux-outside-"));
    fs.writeFileSync(path.join(outside, "secret.txt"), `needle ${SECRET}\n`);
    fs.writeFileSync(path.join(dirs.workspace, "inside.txt"), "needle inside\n");
    fs.symlinkSync(path.join(outside, "secret.txt"), path.join(dirs.workspace, "link-to-file.txt"));
    fs.symlinkSync(outside, path.join(dirs.workspace, "link-to-dir"));
  });
  afterEach(() => fs.rmSync(outside, { recursive: true, force: true }));

  it("file_read, glob and grep through a symlinked file or directory yield nothing from outside", async () => {
    fake.enqueue(
      {
        toolCalls: [
          { name: "file_read", args: { path: "link-to-file.txt" } },
          { name: "file_read", args: { path: "link-to-dir/secret.txt" } },
          { name: "file_read", args: { path: path.join(outside, "secret.txt") } },
          { name: "glob", args: { pattern: "link-to-dir/**" } },
          { name: "glob", args: { pattern: "*", path: "link-to-dir" } },
          { name: "grep", args: { pattern: "needle" } },
          { name: "grep", args: { pattern: "needle", path: "link-to-dir" } },
          { name: "grep", args: { pattern: "needle", path: "link-to-file.txt" } },
        ],
      },
      { text: "Looked." },
    );
    const env: Record<string, string> = { MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url };
    if (noRg) env.PATH = pathWithoutRipgrep(dirs.base);
    const r = await runMux(["run", "--json", "--mode", "plan", "--dir", dirs.workspace, "-m", "sonnet", "look around"], { env });
    expect(r.code, r.stderr).toBe(0);
    const ends = r.events.filter((e) => e.type === "tool-call-end");
    expect(ends).toHaveLength(8);
    // The grep over the whole workspace did run, and found what is really inside.
    expect(JSON.stringify(ends[5].result)).toContain("needle inside");
    expect(seen(r).includes(SECRET), "the outside file's content reached the model or the output").toBe(false);
  });
});

it("the agent's commands and the init hook run without Mux's provider keys and server token", async () => {
  const repo = makeRepo(path.join(dirs.base, "app"));
  fs.mkdirSync(path.join(repo, ".mux"));
  fs.writeFileSync(path.join(repo, ".mux", "init"), '#!/bin/bash\nenv > "$MUX_PROJECT_PATH/../init-env.txt"\n', { mode: 0o755 });
  gitIn(repo, "add", ".mux");
  gitIn(repo, "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-q", "-m", "hook");
  fake.enqueue({ toolCalls: [{ name: "bash", args: { script: "env; echo done-env" } }] }, { text: "ok" });
  const r = await runMux(["run", "--json", "--dir", repo, "--workspace", "w", "-m", "sonnet", "print the environment"], {
    env: {
      MUX_ROOT: dirs.muxRoot,
      ANTHROPIC_API_KEY: KEY,
      ANTHROPIC_BASE_URL: fake.url,
      OPENAI_API_KEY: "sk-openai-unused-0123456789",
      MUX_SERVER_AUTH_TOKEN: SERVER_TOKEN,
    },
  });
  expect(r.code, r.stderr).toBe(0);
  const output = (lastEvent(r.events, "tool-call-end")!.result as { output: string }).output;
  expect(output).toContain("done-env");
  expect(output).toContain("PATH=");
  for (const s of [KEY, SERVER_TOKEN, "sk-openai-unused-0123456789"])
    expect(seen(r).includes(s), `${s.slice(0, 8)}… reached the model or the output`).toBe(false);
  const initEnv = fs.readFileSync(path.join(dirs.base, "init-env.txt"), "utf8");
  expect(initEnv).toContain("MUX_WORKSPACE_NAME=w");
  expect(initEnv).not.toMatch(/ANTHROPIC_API_KEY|OPENAI_API_KEY|MUX_SERVER_AUTH_TOKEN/);
});
