import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { FakeProvider } from "../fake-provider/index.js";
import { gitIn, makeRepo } from "../helpers/git.js";
import { lastEvent, runMux } from "../helpers/mux.js";
import { fakeProviderSuite, type TempDirs } from "../helpers/suite.js";

/** Unusual workspace names: each works again under the name it was given, or is refused saying why. */

const KEY = "sk-ant-ws-names-0123456789abcdef";
let fake: FakeProvider;
let dirs: TempDirs;
let repo: string;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
  repo = makeRepo(path.join(dirs.base, "app"));
});

const env = () => ({ MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url });
// `--workspace=NAME`, so that a name starting with "-" reaches Mux rather than the option parser.
const run = (name: string) => runMux(["run", "--json", "--dir", repo, "-m", "sonnet", `--workspace=${name}`, "hello"], { env: env() });
const mux = async (args: string[]) => {
  const r = await runMux(args, { cwd: repo, env: env() });
  return { ...r, json: () => JSON.parse(r.stdout) };
};
const listed = async () => (await mux(["workspace", "list", "--json"])).json() as { id: string; name: string; branch: string }[];

/** Typed name → the name it works under, or the reason it is refused. */
const NAMES: [string, string | RegExp][] = [
  ["my ws", "my-ws"],
  ["feature/login", "feature-login"],
  ["café", "café"],
  ["修正 バグ", "修正-バグ"],
  ["../x", /"\.\.\/x" cannot be a workspace name: git does not accept "\.\.-x" as a branch name \(it starts with "\."\)/],
  ["a".repeat(300), /is too long for a workspace name \(300 characters; at most 64\)/],
  ["-rf", /"-rf" cannot be a workspace name: git does not accept it as a branch name \(it starts with "-"/],
  [".hidden", /"\.hidden" cannot be a workspace name: .*\(it starts with "\."\)/],
  ["a..b", /"a\.\.b" cannot be a workspace name: .*\(it contains "\.\."\)/],
  ["x.lock", /"x\.lock" cannot be a workspace name: .*\(it ends with "\.lock"\)/],
];

describe("mux run --workspace with unusual names", () => {
  for (const [typed, outcome] of NAMES) {
    const label = typed.length > 20 ? `${typed.slice(0, 10)}… (${typed.length} characters)` : JSON.stringify(typed);
    if (typeof outcome === "string") {
      it(`${label} works twice, as ${outcome}, saying so when the name changed`, async () => {
        fake.enqueue({ text: "first" }, { text: "second" });
        const first = await run(typed);
        expect(first.code, first.stderr).toBe(0);
        if (outcome === typed) expect(first.stderr).not.toContain("(from");
        else expect(first.stderr).toContain(`mux: created ${outcome} (from ${JSON.stringify(typed)})`);
        const second = await run(typed);
        expect(second.code, second.stderr).toBe(0);
        expect(second.stderr).not.toContain("created");
        expect(lastEvent(second.events, "run-complete")!.sessionId).toBe(lastEvent(first.events, "run-complete")!.sessionId);
        expect(await listed()).toEqual([expect.objectContaining({ name: outcome, branch: outcome })]);
        expect(gitIn(path.join(dirs.muxRoot, "src", "app", outcome), "branch", "--show-current")).toBe(outcome);
      });
    } else {
      it(`${label} is refused with the reason, leaving nothing behind`, async () => {
        const r = await run(typed);
        expect(r.code).toBe(1);
        // --json: the reason travels in the error event before the one run-complete.
        const error = lastEvent(r.events, "error");
        expect(error?.message).toMatch(outcome);
        expect(error?.message).not.toContain("already exists");
        expect(r.events.at(-1)?.type).toBe("run-complete");
        expect(await listed()).toEqual([]);
        expect(gitIn(repo, "branch", "--list")).toBe("* main");
        expect(fs.existsSync(path.join(dirs.muxRoot, "src", "app"))).toBe(false);
        expect(fake.requests).toHaveLength(0);
      });
    }
  }
});

it("workspace create, fork, rename and delete find a workspace by the name as typed, and say what names became", async () => {
  const created = await mux(["workspace", "create", "my ws", "--json"]);
  expect(created.code, created.stderr).toBe(0);
  expect(created.json()).toMatchObject({ name: "my-ws", requestedName: "my ws" });
  expect(created.stderr).toContain('created my-ws (from "my ws")');
  expect((await mux(["workspace", "create", "my ws"])).stderr).toContain('a workspace named "my-ws" already exists');

  const fork = await mux(["workspace", "fork", "my ws", "my fork"]);
  expect(fork.code, fork.stderr).toBe(0);
  expect(fork.stderr).toContain('forked as my-fork (from "my fork")');
  const renamed = await mux(["workspace", "rename", "my fork", "other one", "--json"]);
  expect(renamed.code, renamed.stderr).toBe(0);
  expect(renamed.json()).toMatchObject({ name: "other-one", requestedName: "other one" });
  expect((await mux(["workspace", "rename", "other one", "x.lock"])).stderr).toContain('ends with ".lock"');
  for (const typed of ["other one", "my ws"]) {
    const r = await mux(["workspace", "delete", typed]);
    expect(r.code, r.stderr).toBe(0);
  }
  expect(await listed()).toEqual([]);
  expect((await mux(["workspace", "delete", "my ws"])).stderr).toContain('no workspace "my ws" (or "my-ws")');
});
