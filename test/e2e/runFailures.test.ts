import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentEvent, ErrorKind } from "../../src/agent/events.js";
import { SessionLock } from "../../src/history/sessionLock.js";
import type { FakeProvider } from "../fake-provider/index.js";
import { gitIn, makeRepo } from "../helpers/git.js";
import { runMux } from "../helpers/mux.js";
import { fakeProviderSuite, type TempDirs } from "../helpers/suite.js";

/**
 * `mux run --json` is read by scripts: whatever goes wrong, the output is valid NDJSON that ends
 * with exactly one run-complete, preceded by an error event saying what went wrong.
 */

const KEY = "sk-ant-run-failures-0123456789abcdef";
let fake: FakeProvider;
let dirs: TempDirs;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
});

const locks: SessionLock[] = [];
afterEach(() => {
  for (const l of locks.splice(0)) l.release();
});

interface Case {
  name: string;
  /** Arguments after `run --json`; `dir` is the plain workspace directory, `repo` a git repository. */
  args: (d: { dir: string; repo: string }) => string[];
  setup?: () => void;
  env?: () => Record<string, string | undefined>;
  kind: ErrorKind;
  message: RegExp;
}

const anthropic = () => ({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url });
const writeFile = (name: string, text: string) => fs.writeFileSync(path.join(dirs.muxRoot, name), text);

const CASES: Case[] = [
  { name: "no message", args: ({ dir }) => ["--dir", dir, "-m", "sonnet"], env: anthropic, kind: "usage", message: /no message/ },
  {
    name: "a --dir that does not exist",
    args: ({ dir }) => ["--dir", path.join(dir, "nope"), "-m", "sonnet", "hi"],
    env: anthropic,
    kind: "usage",
    message: /is not a directory/,
  },
  {
    name: "a malformed model name",
    args: ({ dir }) => ["--dir", dir, "-m", "nonsense", "hi"],
    env: anthropic,
    kind: "config",
    message: /invalid model "nonsense"/,
  },
  {
    name: "an unknown provider",
    args: ({ dir }) => ["--dir", dir, "-m", "nope:some-model", "hi"],
    env: anthropic,
    kind: "config",
    message: /unknown provider "nope"/,
  },
  {
    name: "a missing API key",
    args: ({ dir }) => ["--dir", dir, "-m", "anthropic:claude-sonnet-4-5", "hi"],
    kind: "config",
    message: /has no API key.*ANTHROPIC_API_KEY/,
  },
  {
    name: "a key the provider rejects",
    args: ({ dir }) => ["--dir", dir, "-m", "sonnet", "hi"],
    env: () => ({ ANTHROPIC_API_KEY: "sk-ant-wrong-key-0000000000000000", ANTHROPIC_BASE_URL: fake.url }),
    kind: "auth",
    message: /./,
  },
  {
    name: "a corrupt providers.jsonc",
    args: ({ dir }) => ["--dir", dir, "-m", "sonnet", "hi"],
    setup: () => writeFile("providers.jsonc", '{\n  "anthropic": { "apiKey": "x" ,, }\n}\n'),
    env: anthropic,
    kind: "config",
    message: /providers\.jsonc:2:\d+/,
  },
  {
    name: "a corrupt workspace registry",
    args: ({ repo }) => ["--dir", repo, "-m", "sonnet", "--workspace", "feat", "hi"],
    setup: () => writeFile("config.json", "{ not json"),
    env: anthropic,
    kind: "config",
    message: /config\.json.* is corrupt/,
  },
  {
    name: "a workspace asked for outside a git repository",
    args: ({ dir }) => ["--dir", dir, "-m", "sonnet", "--workspace", "feat", "hi"],
    env: anthropic,
    kind: "config",
    message: /git/,
  },
  {
    name: "a session that does not exist",
    args: ({ dir }) => ["--dir", dir, "-m", "sonnet", "--session", "no-such-session", "hi"],
    env: anthropic,
    kind: "usage",
    message: /no session "no-such-session"/,
  },
  {
    name: "a session another agent is running in",
    args: ({ dir }) => ["--dir", dir, "-m", "sonnet", "--session", "busy-one", "hi"],
    setup: () => {
      const dir = path.join(dirs.muxRoot, "sessions", "busy-one");
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "chat.jsonl"), "");
      locks.push(SessionLock.acquire(dir, "mux server"));
    },
    env: anthropic,
    kind: "busy",
    message: /is busy: an agent is already running in this chat \(mux server/,
  },
  {
    name: "a budget for a model with no price",
    args: ({ dir }) => ["--dir", dir, "-m", "local:m1", "--budget", "1", "hi"],
    setup: () => writeFile("providers.jsonc", `{ "local": { "providerType": "openai-compatible", "baseUrl": "${fake.url}/v1", "models": ["m1"] } }`),
    kind: "config",
    message: /--budget needs the price of local:m1/,
  },
];

function expectEndsWithOneRunComplete(events: AgentEvent[]) {
  expect(events.filter((e) => e.type === "run-complete")).toHaveLength(1);
  expect(events.at(-1)?.type).toBe("run-complete");
}

describe("mux run --json: every failure ends with an error event and exactly one run-complete", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const repo = makeRepo(path.join(dirs.base, "app"));
      c.setup?.();
      const r = await runMux(["run", "--json", ...c.args({ dir: dirs.workspace, repo })], { env: { MUX_ROOT: dirs.muxRoot, ...c.env?.() } });
      expect(r.code, r.stderr).toBe(1);
      expectEndsWithOneRunComplete(r.events);
      const errors = r.events.filter((e) => e.type === "error");
      expect(errors).toHaveLength(1);
      expect(r.events.at(-2)).toBe(errors[0]);
      expect(errors[0]).toMatchObject({ kind: c.kind, message: expect.stringMatching(c.message) });
      expect(r.events.at(-1)).toMatchObject({ type: "run-complete", status: "error" });
      expect(r.stdout).not.toContain(KEY);
      expect(r.stdout).not.toContain("sk-ant-wrong-key");
    });
  }
});

describe("mux run --json with an init hook", () => {
  it("a failing init hook is reported before the run's single run-complete, even when the agent finished first", async () => {
    const repo = makeRepo(path.join(dirs.base, "app"), { "README.md": "# demo\n", ".mux/init": "#!/bin/bash\necho setting up\nsleep 1\nexit 3\n" });
    fs.chmodSync(path.join(repo, ".mux/init"), 0o755);
    gitIn(repo, "add", "-A");
    gitIn(repo, "commit", "-q", "-m", "executable hook");
    fake.enqueue({ text: "Answered without tools." });
    const r = await runMux(["run", "--json", "--dir", repo, "-m", "sonnet", "--workspace", "hooked", "hi"], {
      env: { MUX_ROOT: dirs.muxRoot, ...anthropic() },
    });
    expect(r.code, r.stderr).toBe(0);
    expectEndsWithOneRunComplete(r.events);
    const types = r.events.map((e) => e.type);
    expect(types.indexOf("init-end")).toBeGreaterThan(-1);
    expect(r.events.find((e) => e.type === "init-end")).toMatchObject({ ok: false, exitCode: 3 });
    expect(r.events.at(-1)).toMatchObject({ type: "run-complete", status: "completed", text: "Answered without tools." });
  });
});

describe("mux run without --json", () => {
  it("says what went wrong once, on stderr, and exits 1", async () => {
    const r = await runMux(["run", "--dir", dirs.workspace, "-m", "nope:x", "hi"], { env: { MUX_ROOT: dirs.muxRoot } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.match(/unknown provider "nope"/g)).toHaveLength(1);
  });
});
