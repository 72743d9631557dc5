import * as fs from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import type { FakeProvider } from "../fake-provider/index.js";
import { makeRepo } from "../helpers/git.js";
import { lastEvent, runMux } from "../helpers/mux.js";
import { fakeProviderSuite, type TempDirs } from "../helpers/suite.js";

const KEY = "sk-slash-cli-0123456789abcdef";
let fake: FakeProvider;
let dirs: TempDirs;
let repo: string;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
  repo = makeRepo(path.join(dirs.base, "app"));
  fs.writeFileSync(
    path.join(dirs.muxRoot, "providers.jsonc"),
    JSON.stringify({
      local: { providerType: "openai-compatible", baseUrl: `${fake.url}/v1`, apiKey: KEY, models: [{ id: "small", contextWindow: 8000 }, "big"] },
    }),
  );
});

// Each test runs `mux` several times: on a busy machine that takes longer than vitest's default limit.
const run = (args: string[]) => runMux(["run", "--dir", repo, ...args], { env: { MUX_ROOT: dirs.muxRoot } });
const workspaces = async () => JSON.parse((await runMux(["workspace", "list", "--json"], { cwd: repo, env: { MUX_ROOT: dirs.muxRoot } })).stdout);

it("/model switches the model the workspace's next request uses, and /plan its mode; neither asks the provider", async () => {
  fake.enqueue({ text: "Hello." });
  expect((await run(["--json", "-m", "local:small", "--workspace", "w", "hi"])).code).toBe(0);
  const switched = await run(["--json", "--workspace", "w", "/model local:big"]);
  expect(switched.code, switched.stderr).toBe(0);
  expect(lastEvent(switched.events, "command")).toMatchObject({ name: "model", model: "local:big", text: "Model set to local:big for this workspace." });
  expect(lastEvent(switched.events, "run-complete")).toMatchObject({ status: "completed", model: "local:big", costUsd: 0 });
  const planned = await run(["--workspace", "w", "/plan"]);
  expect(planned.stdout).toContain("Plan mode");
  expect(fake.requests).toHaveLength(1);

  fake.enqueue({ text: "Planned." });
  const next = await run(["--json", "--workspace", "w", "what now?"]);
  expect(next.code, next.stderr).toBe(0);
  expect(fake.requests).toHaveLength(2);
  expect(fake.requests[1].body.model).toBe("big");
  expect(lastEvent(next.events, "stream-start")).toMatchObject({ model: "local:big", mode: "plan" });
  expect((await workspaces())[0].settings).toMatchObject({ model: "local:big", mode: "plan" });
}, 120_000);

it("/cost prints the breakdown without a request; an unknown command says so and sends nothing", async () => {
  fake.enqueue({ text: "Done.", usage: { input: 1500, output: 20 } });
  expect((await run(["-m", "local:small", "--workspace", "c", "fix it"])).code).toBe(0);
  const cost = await run(["--workspace", "c", "/cost"]);
  expect(cost.code, cost.stderr).toBe(0);
  expect(cost.stdout).toMatch(/Cost of this chat: .* over 1 request\.\n- local:small: .*1,500 in/);
  expect(cost.stdout).toContain("Context: 1,520 of 8,000 tokens (19%)");
  const json = await run(["--json", "--workspace", "c", "/cost"]);
  expect(lastEvent(json.events, "command")?.costs?.usage).toMatchObject({ inputTokens: 1500, outputTokens: 20 });

  const unknown = await run(["--json", "--workspace", "c", "/foo bar"]);
  expect(unknown.code).toBe(1);
  expect(lastEvent(unknown.events, "error")).toMatchObject({
    kind: "usage",
    message: expect.stringMatching(/^Unknown command \/foo — try \/compact, \/clear/),
  });
  // Outside a workspace too, and nothing is created for it.
  const plain = await run(["--json", "/fork"]);
  expect(plain.code).toBe(1);
  expect(lastEvent(plain.events, "error")?.message).toMatch(/\/fork works in a workspace/);
  expect(fake.requests).toHaveLength(1);
  expect((await workspaces()).map((w: { name: string }) => w.name)).toEqual(["c"]);
}, 120_000);

it("/fork and /new make workspaces of the same kind, the fork with the chat", async () => {
  fake.enqueue({ text: "Base answer." });
  expect((await run(["-m", "local:small", "--workspace", "base", "start"])).code).toBe(0);
  const forked = await run(["--json", "--workspace", "base", "/fork try-b"]);
  expect(forked.code, forked.stderr).toBe(0);
  expect(lastEvent(forked.events, "command")).toMatchObject({ name: "fork", workspace: { name: "try-b" } });
  const made = await run(["--json", "--workspace", "base", "/new"]);
  const created = lastEvent(made.events, "command")?.workspace;
  const list = await workspaces();
  expect(list.map((w: { name: string }) => w.name).sort()).toEqual(["base", created?.name, "try-b"].sort());
  expect(new Set(list.map((w: { runtime: { type: string } }) => w.runtime.type))).toEqual(new Set(["worktree"]));
  const forkChat = fs.readFileSync(path.join(dirs.muxRoot, "sessions", lastEvent(forked.events, "command")!.workspace!.id, "chat.jsonl"), "utf8");
  expect(forkChat).toContain("Base answer.");
  expect(fake.requests).toHaveLength(1);
}, 120_000);
