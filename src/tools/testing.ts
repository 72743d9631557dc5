import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { LocalRuntime } from "../runtime/local.js";
import type { ToolContext, ToolDefinition, ToolSessionState } from "./types.js";

/** Test-only: a real LocalRuntime on a fresh temp dir, and a ToolContext that records output. */
export interface TestWorkspace {
  root: string;
  runtime: LocalRuntime;
  session: ToolSessionState;
  abort: AbortController;
  outputs: { stream: "stdout" | "stderr"; text: string }[];
  ctx(overrides?: Partial<ToolContext>): ToolContext;
  /** Parses `input` with the tool's schema first, as the agent loop does. */
  run<I>(tool: ToolDefinition<I>, input: unknown, overrides?: Partial<ToolContext>): Promise<any>;
  write(rel: string, content: string | Buffer): Promise<string>;
  read(rel: string): Promise<string>;
  cleanup(): Promise<void>;
}

let callCounter = 0;

export async function createTestWorkspace(): Promise<TestWorkspace> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "mux-tools-test-"));
  const runtime = new LocalRuntime(root);
  const outputs: TestWorkspace["outputs"] = [];
  const session: ToolSessionState = { todos: [] };
  const abort = new AbortController();
  let scratch: string | undefined;
  const ctx = (overrides: Partial<ToolContext> = {}): ToolContext => ({
    runtime,
    toolCallId: `call_${++callCounter}`,
    signal: abort.signal,
    onOutput: (stream, text) => outputs.push({ stream, text }),
    session,
    ...overrides,
  });
  const origTempDir = runtime.tempDir.bind(runtime);
  // Remember the scratch dir so cleanup removes it too.
  runtime.tempDir = async () => (scratch = await origTempDir());
  return {
    root,
    runtime,
    session,
    abort,
    outputs,
    ctx,
    async run(tool, input, overrides) {
      return tool.execute(tool.inputSchema.parse(input), ctx(overrides));
    },
    async write(rel, content) {
      const p = path.join(root, rel);
      await fs.mkdir(path.dirname(p), { recursive: true });
      await fs.writeFile(p, content);
      return p;
    },
    read: (rel) => fs.readFile(path.join(root, rel), "utf8"),
    async cleanup() {
      await fs.rm(root, { recursive: true, force: true });
      if (scratch) await fs.rm(scratch, { recursive: true, force: true });
    },
  };
}
