import * as fs from "node:fs";
import { nanoid } from "nanoid";
import type { AgentEventOf, Mode, RunStatus, ThinkingLevel } from "../agent/events.js";
import { retryPolicyFromEnv } from "../agent/retry.js";
import { ConfigError } from "../config/errors.js";
import { muxRoot, sessionsDir } from "../config/paths.js";
import { SessionStore } from "../history/sessionStore.js";
import { loadProvidersConfig } from "../providers/config.js";
import { defaultModel, resolveModel } from "../providers/resolveModel.js";
import { LocalRuntime } from "../runtime/local.js";
import { runTurn } from "../session/turn.js";
import { colors, err } from "./output.js";
import { jsonRenderer } from "./render/json.js";
import { prettyRenderer } from "./render/pretty.js";
import { quietRenderer } from "./render/quiet.js";

export interface RunOptions {
  dir: string;
  model?: string;
  mode: Mode;
  thinking: ThinkingLevel;
  budget?: number;
  runtime: string;
  session?: string;
  json?: boolean;
  quiet?: boolean;
}

const EXIT: Record<RunStatus, number> = { completed: 0, error: 1, "budget-exceeded": 2, aborted: 130 };

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function fail(message: string): number {
  err(`${colors().red("mux:")} ${message}\n`);
  return 1;
}

/** `mux run`: one turn of the agent in a directory; exit 0/1/2/130 (done/error/budget/interrupted). */
export async function runCommand(messageArg: string, opts: RunOptions): Promise<number> {
  const started = Date.now();
  // The SDK would print its warnings straight to the console, between our streamed output.
  (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
  try {
    const message = (messageArg || (await readStdin())).trim();
    if (!message) return fail("no message: pass it as an argument or on stdin");
    if (opts.runtime !== "local") return fail(`runtime "${opts.runtime}" is not available yet (use --runtime local)`);
    if (opts.budget !== undefined && !(opts.budget > 0)) return fail("--budget must be a positive number of dollars");
    const dir = fs.existsSync(opts.dir) ? fs.realpathSync(opts.dir) : undefined;
    if (!dir || !fs.statSync(dir).isDirectory()) return fail(`--dir ${opts.dir} is not a directory`);

    const providers = loadProvidersConfig();
    const model = await resolveModel(opts.model ?? defaultModel(providers), providers);
    if (opts.budget !== undefined && !model.price) {
      return fail(
        `--budget needs the price of ${model.name}, which Mux does not know: add "prices" for it in ${providers.file}`,
      );
    }
    const sessionId = opts.session ?? nanoid(12);
    const store = SessionStore.forSession(sessionsDir(), sessionId);
    if (opts.session && !store.exists()) return fail(`no session "${opts.session}" in ${sessionsDir()}`);
    const loaded = store.load();
    for (const w of loaded.warnings) err(`mux: warning: ${w}\n`);

    const renderer = opts.json ? jsonRenderer() : opts.quiet ? quietRenderer() : prettyRenderer();
    const controller = new AbortController();
    let interrupts = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      // First Ctrl+C stops the agent and saves history; a second one leaves at once.
      if (++interrupts > 1) process.exit(130);
      controller.abort(new Error(`interrupted (${signal})`));
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);

    const result = await runTurn({
      store,
      history: loaded.messages,
      userText: message,
      model,
      runtime: new LocalRuntime(dir),
      mode: opts.mode,
      thinking: opts.thinking,
      budgetUsd: opts.budget,
      signal: controller.signal,
      retry: retryPolicyFromEnv(),
      muxRoot: muxRoot(),
      emit: (event) => renderer.onEvent(event),
    });
    const summary: AgentEventOf<"run-complete"> = {
      type: "run-complete",
      status: result.status,
      sessionId,
      model: model.name,
      usage: result.usage,
      costUsd: result.costUsd,
      text: result.text,
      ...(result.plan !== undefined ? { plan: result.plan } : {}),
      durationMs: Date.now() - started,
    };
    renderer.finish(summary);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    return EXIT[result.status];
  } catch (e) {
    if (e instanceof ConfigError) return fail(e.message);
    throw e;
  }
}
