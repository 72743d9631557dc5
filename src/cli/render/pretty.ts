import type { AgentEvent } from "../../agent/events.js";
import { colors, err, out } from "../output.js";
import type { Renderer } from "./types.js";

function oneLine(s: string, max = 100): string {
  const first = s.split("\n").find((l) => l.trim()) ?? "";
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}

/** A short human summary of a tool call's input. */
export function summarizeArgs(toolName: string, args: unknown): string {
  const a = (args ?? {}) as Record<string, unknown>;
  if (toolName === "bash" && typeof a.script === "string") return oneLine(a.script);
  if (toolName === "todo_write" && Array.isArray(a.todos)) return `${a.todos.length} item(s)`;
  const key = ["path", "pattern", "plan"].find((k) => typeof a[k] === "string");
  return key ? oneLine(a[key] as string) : oneLine(JSON.stringify(a));
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

/** "$0.0123"; "cost unknown" without a price; "$0.0123+ (at least: …)" when usage is missing. */
export function formatCost(usd: number | null, incomplete = false): string {
  if (usd === null) return "cost unknown";
  const amount = usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
  return incomplete ? `${amount}+ (at least: an interrupted request's usage was not reported in full)` : amount;
}

/**
 * Readable streaming for people: the answer on stdout, tool activity and status on stderr.
 * `hideCosts` (the original Mux's --hide-costs) leaves the cost out of the closing summary.
 */
export function prettyRenderer(opts: { hideCosts?: boolean } = {}): Renderer {
  const c = colors(process.stderr);
  let stdoutAtLineStart = true;
  const newlineIfNeeded = () => {
    if (!stdoutAtLineStart) {
      out("\n");
      stdoutAtLineStart = true;
    }
  };
  const onEvent = (event: AgentEvent) => {
    switch (event.type) {
      case "text-delta":
        out(event.delta);
        stdoutAtLineStart = event.delta.endsWith("\n");
        return;
      case "reasoning-delta":
        err(c.dim(event.delta));
        return;
      case "tool-call-args":
        newlineIfNeeded();
        err(`${c.cyan(`▸ ${event.toolName} `) + summarizeArgs(event.toolName, event.args)}\n`);
        return;
      case "tool-output":
        err(c.dim(event.text));
        return;
      case "tool-call-end": {
        const r = (event.result ?? {}) as { exitCode?: unknown; error?: unknown };
        if (event.isError) err(c.red(`  ✗ ${oneLine(String(r.error ?? "failed"), 300)}\n`));
        else {
          const exit = r.exitCode !== undefined ? `exit ${r.exitCode} · ` : "";
          err(c.dim(`  ✓ ${exit}${formatMs(event.durationMs)}\n`));
        }
        return;
      }
      case "command":
        // The whole answer (a message that follows one says it again as a notice: shown there).
        if (event.messageId) {
          newlineIfNeeded();
          out(`${event.text}\n`);
        }
        return;
      case "notice":
        newlineIfNeeded();
        err(c.yellow(`! ${event.text}\n`));
        return;
      case "retry":
        err(c.yellow(`↻ retry ${event.attempt}/${event.maxAttempts} in ${formatMs(event.delayMs)}: ${event.reason}\n`));
        return;
      case "error":
        newlineIfNeeded();
        err(c.red(`✗ ${event.message}\n`));
        return;
      case "question":
        // Answerable questions are asked on the terminal itself (askTerminal.ts).
        if (!event.answerable) {
          newlineIfNeeded();
          for (const q of event.questions)
            err(c.yellow(`? ${q.question} (${q.options.map((o) => o.label).join(" / ")}): nobody to answer, the agent decides\n`));
        }
        return;
      case "init-start":
        err(c.dim(`▸ running ${event.hook}\n`));
        return;
      case "init-output":
        err(c.dim(event.text));
        return;
      case "init-end":
        if (!event.ok) err(c.yellow(`■ init hook failed (exit ${event.exitCode}); continuing\n`));
        return;
      case "child-event": {
        // A helper's work, in brief: its tool calls and how it ended (its chat has the rest).
        const e = event.event;
        const who = c.dim(`  [helper ${event.childId}] `);
        const line =
          e.type === "tool-call-args"
            ? c.cyan(`▸ ${e.toolName} `) + summarizeArgs(e.toolName, e.args)
            : e.type === "stream-end"
              ? c.dim("done")
              : e.type === "error"
                ? c.red(`✗ ${e.message}`)
                : e.type === "stream-abort"
                  ? c.yellow("■ interrupted")
                  : undefined;
        if (line === undefined) return;
        newlineIfNeeded();
        err(`${who}${line}\n`);
        return;
      }
      case "stream-abort":
        newlineIfNeeded();
        err(c.yellow(event.reason === "budget" ? "■ stopped: budget exceeded\n" : "■ interrupted\n"));
        return;
      default:
        return;
    }
  };
  return {
    onEvent,
    finish: (s) => {
      newlineIfNeeded();
      if (s.plan) out(`\n${s.plan}\n`);
      const u = s.usage;
      const tokens = `${u.inputTokens} in (${u.cachedInputTokens} cached) · ${u.outputTokens} out`;
      const cost = opts.hideCosts ? "" : ` · ${formatCost(s.costUsd, s.costIncomplete)}`;
      err(c.dim(`— ${s.model} · ${tokens}${cost} · ${formatMs(s.durationMs)} · session ${s.sessionId}\n`));
    },
    fail: (error) => err(`${c.red("mux:")} ${error.message}\n`),
  };
}
