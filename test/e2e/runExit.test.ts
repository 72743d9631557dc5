import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { echoToolLoop, type FakeProvider } from "../fake-provider/index.js";
import { lastEvent, runMux } from "../helpers/mux.js";
import { fakeProviderSuite, type TempDirs } from "../helpers/suite.js";

/**
 * `mux run` ends as soon as the answer is out (it exits explicitly rather than waiting for Node
 * to wind down): everything it printed and saved must be complete by then.
 */

const KEY = "sk-ant-exit-test-0123456789abcdef";
let fake: FakeProvider;
let dirs: TempDirs;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
});

describe("mux run ends as soon as it is done", () => {
  it("with all its output printed and its chat saved, leaving no snapshot or lock behind", async () => {
    fake.setResponder(echoToolLoop(5));
    const r = await runMux(["run", "--json", "--dir", dirs.workspace, "-m", "sonnet", "run the echo steps"], {
      env: { MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url },
    });
    expect(r.code, r.stderr).toBe(0);
    const done = lastEvent(r.events, "run-complete")!;
    expect(done).toMatchObject({ status: "completed", text: "All done." });
    expect(r.events.filter((e) => e.type === "tool-call-end")).toHaveLength(5);
    const sessionDir = path.join(dirs.muxRoot, "sessions", done.sessionId);
    expect(fs.readdirSync(sessionDir).filter((f) => /partial|\.tmp$|\.lock$/.test(f))).toEqual([]);
    const saved = fs.readFileSync(path.join(sessionDir, "chat.jsonl"), "utf8").trim().split("\n");
    expect(saved).toHaveLength(2);
    expect(JSON.parse(saved[1]).metadata.status).toBe("complete");
  });
});
