import { randomBytes } from "node:crypto";
import { posix } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { z } from "zod";
import { LiveOutput } from "./liveOutput.js";
import { OutputCollector } from "./outputBuffer.js";
import { defineTool, ToolError } from "./types.js";

export const BASH_DEFAULT_TIMEOUT_SECS = 120;
export const BASH_MAX_TIMEOUT_SECS = 600;

/** Anything that would wait for a human gets a no-op or EOF instead. */
export function nonInteractiveEnv(runtimeType: string): Record<string, string> {
  return {
    GIT_EDITOR: "true",
    GIT_SEQUENCE_EDITOR: "true",
    EDITOR: "true",
    VISUAL: "true",
    GIT_TERMINAL_PROMPT: "0",
    PAGER: "cat",
    GIT_PAGER: "cat",
    MANPAGER: "cat",
    LESS: "-FRX",
    TERM: "dumb",
    NO_COLOR: "1",
    CI: "1",
    DEBIAN_FRONTEND: "noninteractive",
    MUX_RUNTIME: runtimeType,
  };
}

const inputSchema = z.object({
  script: z.string().min(1).describe("Bash script to run (may be several lines). Runs in the workspace root."),
  timeout_secs: z
    .number()
    .positive()
    .max(BASH_MAX_TIMEOUT_SECS, { error: `timeout_secs must be at most ${BASH_MAX_TIMEOUT_SECS} (10 minutes)` })
    .optional()
    .describe(`Kill the command after this many seconds (default ${BASH_DEFAULT_TIMEOUT_SECS}, max ${BASH_MAX_TIMEOUT_SECS}).`),
});

export const bashTool = defineTool({
  name: "bash",
  description: [
    "Run a bash script in the workspace root. Each call is a fresh shell: cd and exports do not persist.",
    "Non-interactive: stdin is empty and editors/pagers are disabled (GIT_EDITOR=true, PAGER=cat), so anything that prompts gets EOF instead of waiting.",
    "Returns the exit code and the combined stdout+stderr; a non-zero exit code is a normal result, not an error.",
    "Output over 16 KB or 300 lines is cut to its first and last lines and the full output is saved to a file you can read with file_read; binary output (NUL bytes) is only saved, and reported with its size.",
    `Default timeout ${BASH_DEFAULT_TIMEOUT_SECS}s, max ${BASH_MAX_TIMEOUT_SECS}s; on timeout the whole process tree is killed.`,
    "Background processes (`cmd &`) keep running after the call returns, but their later output is not captured: redirect it (`cmd > log 2>&1 &`) and read the log.",
    "Prefer file_read, grep, glob and the file_edit tools over cat, grep, find and sed.",
  ].join(" "),
  inputSchema,
  mutates: true,
  async execute(input, ctx) {
    const { runtime } = ctx;
    const timeoutSecs = input.timeout_secs ?? BASH_DEFAULT_TIMEOUT_SECS;
    if (!(timeoutSecs > 0) || timeoutSecs > BASH_MAX_TIMEOUT_SECS) {
      throw new ToolError(`timeout_secs must be between 0 and ${BASH_MAX_TIMEOUT_SECS} (got ${input.timeout_secs}); split long work into shorter commands`);
    }
    // Unique across processes: the scratch directory outlives one run (see LocalRuntime.tempDir).
    const fileName = `bash-${ctx.toolCallId.replace(/[^A-Za-z0-9_-]/g, "_")}-${randomBytes(3).toString("hex")}.txt`;
    const collector = new OutputCollector(runtime, async () => posix.join(await runtime.tempDir(), fileName));
    const live = new LiveOutput(ctx.onOutput);
    // Per stream, so a character split between two reads is decoded whole.
    const decoders = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };

    let result: Awaited<ReturnType<typeof runtime.exec>>;
    try {
      result = await runtime.exec(input.script, {
        env: nonInteractiveEnv(runtime.type),
        stdin: "",
        timeoutMs: timeoutSecs * 1000,
        signal: ctx.signal,
        onOutputBytes: (stream, chunk) => {
          const slowDown = collector.push(chunk);
          if (collector.isBinary) live.markBinary();
          else live.push(stream, decoders[stream].write(chunk));
          return slowDown;
        },
      });
    } catch (err) {
      throw new ToolError(`could not start bash: ${(err as Error).message}`);
    } finally {
      live.finish();
    }
    const { output, truncated, binary } = await collector.finish();
    const extra = { ...(binary ? { binary } : {}), ...(truncated ? { truncated } : {}) };

    if (result.aborted) return { aborted: true, output, ...extra, durationMs: result.durationMs };
    if (result.timedOut) {
      return {
        exitCode: null,
        output,
        timedOut: true,
        note: `killed after ${timeoutSecs}s (timeout); the whole process group was terminated`,
        ...extra,
        durationMs: result.durationMs,
      };
    }
    return {
      exitCode: result.exitCode,
      ...(result.signal ? { signal: result.signal, note: `the command was killed by ${result.signal}` } : {}),
      output,
      ...extra,
      durationMs: result.durationMs,
    };
  },
});
