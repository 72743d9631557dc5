import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../agent/events.js";
import { SessionLock } from "../history/sessionLock.js";
import { SessionStore } from "../history/sessionStore.js";
import { LocalRuntime } from "../runtime/local.js";
import type { FakeProvider } from "../../test/fake-provider/index.js";
import { fakeProviderSuite, type TempDirs } from "../../test/helpers/suite.js";
import { runChatTurn } from "./chatSession.js";
import type { WorkspaceCommands } from "./slashRun.js";

const KEY = "sk-slash-run-0123456789abcdef";
let fake: FakeProvider;
let dirs: TempDirs;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
  fs.writeFileSync(
    path.join(dirs.muxRoot, "providers.jsonc"),
    JSON.stringify({
      local: { providerType: "openai-compatible", baseUrl: `${fake.url}/v1`, apiKey: KEY, models: [{ id: "small", contextWindow: 8000 }, "big"] },
    }),
  );
});

/** One message in the chat on disk, as both drivers send it (with workspace commands when given). */
async function send(text: string, workspace?: WorkspaceCommands) {
  const store = SessionStore.forSession(path.join(dirs.muxRoot, "sessions"), "chat1");
  const events: AgentEvent[] = [];
  const before = fake.requests.length;
  const end = await runChatTurn({
    lock: SessionLock.acquire(store.dir, "test"),
    store,
    history: store.load().messages,
    text,
    model: "local:small",
    mode: "exec",
    thinking: "off",
    runtime: () => new LocalRuntime(dirs.workspace),
    env: { MUX_ROOT: dirs.muxRoot },
    signal: new AbortController().signal,
    emit: (e) => events.push(e),
    workspace,
  });
  return { end, events, requests: fake.requests.slice(before), disk: store.load().messages };
}

function recordingWorkspace() {
  const saved: object[] = [];
  const workspace: WorkspaceCommands = {
    saveSettings: async (picks) => void saved.push(picks),
    fork: async (name) => ({ id: "f1", name: name ?? "main-fork" }),
    create: async (name) => ({ id: "n1", name: name ?? "new-one" }),
  };
  return { saved, workspace };
}

describe("slash commands in the session core", () => {
  it("/cost answers with the chat's breakdown from disk, without a request", async () => {
    fake.enqueue({ text: "done", usage: { input: 1200, output: 30 } });
    await send("fix it");
    const cost = await send("/cost");
    expect(cost.requests).toHaveLength(0);
    const event = cost.events.find((e) => e.type === "command");
    expect(event).toMatchObject({ name: "cost", costs: { usage: { inputTokens: 1200, outputTokens: 30 }, context: { windowTokens: 8000 } } });
    expect(cost.end.text).toMatch(/^Cost of this chat: .* over 1 request\.\n- local:small: /);
    expect(cost.end.text).toContain("of 8,000 tokens");
    // Stored as a notice the model never sees; the command itself is not a user message.
    expect(cost.disk.map((m) => m.role)).toEqual(["user", "assistant", "assistant"]);
    expect(cost.disk.at(-1)?.metadata?.notices?.[0]).toBe(cost.end.text);
  });

  it("/model and /plan keep the pick for the workspace and carry the message on with it", async () => {
    const { saved, workspace } = recordingWorkspace();
    fake.enqueue({ text: "planned" });
    const r = await send("/model local:big look around", workspace);
    expect(saved).toEqual([{ model: "local:big" }]);
    expect(r.requests).toHaveLength(1);
    expect((r.requests[0].body as { model: string }).model).toBe("big");
    expect(r.disk.map((m) => (m.role === "user" ? JSON.stringify(m.parts) : m.metadata?.notices))).toEqual([
      JSON.stringify([{ type: "text", text: "look around" }]),
      ["Model set to local:big for this workspace."],
    ]);
    const plan = await send("/plan", workspace);
    expect(plan.requests).toHaveLength(0);
    expect(saved.at(-1)).toEqual({ mode: "plan" });
    expect(plan.events.find((e) => e.type === "command")).toMatchObject({ name: "plan", mode: "plan" });
  });

  it("refuses what it cannot do, before any request and without keeping the message", async () => {
    const unknownModel = await send("/model nosuchalias fix it");
    expect(unknownModel.end.error?.kind).toBe("config");
    const unlisted = await send("/model local:nope", recordingWorkspace().workspace);
    expect(unlisted.end.error?.message).toMatch(/^unknown model local:nope: known are local:small, local:big/);
    const noWorkspace = await send("/fork");
    expect(noWorkspace.end.error).toEqual({ kind: "usage", message: expect.stringMatching(/^\/fork works in a workspace/) });
    const unknown = await send("/foo bar");
    expect(unknown.end.error?.message).toMatch(/^Unknown command \/foo/);
    expect(fake.requests).toHaveLength(0);
    expect(unknownModel.disk.concat(unlisted.disk, noWorkspace.disk, unknown.disk).filter((m) => m.role === "user")).toEqual([]);
  });

  it("/fork and /new say which workspace they made; text that only looks like a path is a message", async () => {
    const { workspace } = recordingWorkspace();
    expect((await send("/fork try-b", workspace)).end.text).toBe('Forked into workspace "try-b".');
    expect((await send("/new", workspace)).events.find((e) => e.type === "command")).toMatchObject({ workspace: { id: "n1", name: "new-one" } });
    fake.enqueue({ text: "ok" });
    const path = await send("/usr/bin is weird");
    expect(JSON.stringify(path.requests[0].body)).toContain("/usr/bin is weird");
  });
});
