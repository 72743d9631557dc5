import { nanoid } from "nanoid";
import type { AgentEvent, AgentEventOf, CostSummary, Mode } from "../agent/events.js";
import { emptyUsage } from "../agent/usage.js";
import type { AgentModel } from "../agent/loop.js";
import type { ChatMessage } from "../agent/messages.js";
import { applyEvent, newAssistantMessage } from "../agent/reduce.js";
import type { SessionStore } from "../history/sessionStore.js";
import { costSummary } from "./costs.js";
import { ChatTurnFailure } from "./errors.js";
import { followingMessage, type SlashCommand } from "./slashCommands.js";

/** What the commands that change a workspace do; the driver (server or `mux run`) knows how. */
export interface WorkspaceCommands {
  /** Keeps a model or mode for the workspace's later turns. */
  saveSettings(picks: { model?: string; mode?: Mode }): Promise<void>;
  fork(name?: string): Promise<{ id: string; name: string }>;
  /** A new workspace in the same project, with the same kind of runtime. */
  create(name?: string): Promise<{ id: string; name: string }>;
}

export type CommandEventFields = Omit<AgentEventOf<"command">, "type" | "messageId">;

/** What a command did: what it says, and what the turn that follows it (if any) uses now. */
export interface CommandOutcome {
  event: CommandEventFields;
  model?: AgentModel;
  mode?: Mode;
}

export interface CommandContext {
  /** Absent outside a workspace (plain `mux run`): settings then hold for the message that follows only. */
  workspace?: WorkspaceCommands;
  history: ChatMessage[];
  /** Resolves a model name (throws when its provider or alias is unknown). */
  resolveModel: (name: string) => Promise<AgentModel>;
  /** Every `provider:model` Mux knows: the model table's and those providers.jsonc lists. */
  knownModels: () => Promise<string[]>;
  contextWindowFor: (model: string) => number | null;
}

/** Why a command cannot run outside a workspace (plain `mux run`); undefined when it can. */
export function needsWorkspaceMessage(command: SlashCommand): string | undefined {
  // Settings outside a workspace hold only for a message that follows them; a new workspace needs one to start from.
  const alone =
    command.name === "fork" ||
    command.name === "new" ||
    ((command.name === "model" || command.name === "plan" || command.name === "exec") && !followingMessage(command));
  return alone ? `/${command.name} works in a workspace (mux run --workspace NAME, or the web app)` : undefined;
}

/**
 * Does what a command other than /compact and /clear (which the turn itself runs) asks for. Never
 * calls a model. Throws a ChatTurnFailure (by kind) when it cannot be done.
 */
export async function runSlashCommand(command: Exclude<SlashCommand, { name: "compact" | "clear" }>, ctx: CommandContext): Promise<CommandOutcome> {
  const outside = ctx.workspace ? undefined : needsWorkspaceMessage(command);
  if (outside) throw new ChatTurnFailure("usage", outside);
  /** Keeps the pick for the workspace; outside one it holds for the message that follows. */
  const keep = async (picks: { model?: string; mode?: Mode }): Promise<string> => {
    if (!ctx.workspace) return "this message";
    await ctx.workspace.saveSettings(picks);
    return "this workspace";
  };
  switch (command.name) {
    case "model": {
      const model = await ctx.resolveModel(command.model);
      // A provider with a list of models gets one of them (a typo would only fail at the request);
      // one without (Ollama, OpenRouter) takes any id.
      const provider = model.name.slice(0, model.name.indexOf(":") + 1);
      const listed = (await ctx.knownModels()).filter((id) => id.startsWith(provider));
      if (listed.length && !listed.includes(model.name)) {
        throw new ChatTurnFailure(
          "usage",
          `unknown model ${command.model}: known are ${listed.join(", ")} (add another to the provider's "models" in providers.jsonc)`,
        );
      }
      return { model, event: { name: "model", model: model.name, text: `Model set to ${model.name} for ${await keep({ model: model.name })}.` } };
    }
    case "plan":
    case "exec": {
      const what = command.name === "plan" ? "the agent reads and proposes a plan" : "the agent edits files and runs tools";
      const scope = await keep({ mode: command.name });
      return {
        mode: command.name,
        event: { name: command.name, mode: command.name, text: `${command.name === "plan" ? "Plan" : "Exec"} mode for ${scope}: ${what}.` },
      };
    }
    case "fork":
    case "new": {
      if (!ctx.workspace) throw new ChatTurnFailure("usage", outside ?? "no workspace");
      const ws = command.name === "fork" ? await ctx.workspace.fork(command.workspaceName) : await ctx.workspace.create(command.workspaceName);
      const text = command.name === "fork" ? `Forked into workspace "${ws.name}".` : `Created workspace "${ws.name}".`;
      return { event: { name: command.name, workspace: ws, text } };
    }
    case "cost": {
      const costs = costSummary(ctx.history, ctx.contextWindowFor);
      return { event: { name: "cost", costs, text: costText(costs) } };
    }
  }
}

function usd(value: number | null, incomplete = false): string {
  if (value === null) return "cost unknown";
  return `$${value < 0.01 ? value.toFixed(4) : value.toFixed(2)}${incomplete ? "+" : ""}`;
}

const thousands = (n: number) => n.toLocaleString("en-US");

/** The `/cost` notice: totals, one line per model, the cache's saving and how full the context is. */
export function costText(c: CostSummary): string {
  const requests = c.byModel.reduce((n, m) => n + m.requests, 0);
  const lines = [`Cost of this chat: ${usd(c.costUsd, c.costIncomplete)} over ${requests} request${requests === 1 ? "" : "s"}.`];
  for (const m of c.byModel) {
    const u = m.usage;
    lines.push(
      `- ${m.model}: ${usd(m.costUsd, m.costIncomplete)} · ${thousands(u.inputTokens)} in (${thousands(u.cachedInputTokens)} cached) · ${thousands(u.outputTokens)} out · ${m.requests} request${m.requests === 1 ? "" : "s"}`,
    );
  }
  if (c.cacheSavedUsd) lines.push(`Prompt cache saved ${usd(c.cacheSavedUsd)}.`);
  if (c.subagents)
    lines.push(
      `Of which helper agents: ${c.subagents.tasks} task${c.subagents.tasks === 1 ? "" : "s"}, ${usd(c.subagents.costUsd, c.subagents.costIncomplete)}.`,
    );
  if (c.inherited)
    lines.push(`Copied from the parent workspace: ${c.inherited.messages} messages, ${usd(c.inherited.costUsd, c.inherited.costIncomplete)} (counted there).`);
  if (c.context) {
    const { usedTokens, windowTokens } = c.context;
    const pct = windowTokens ? ` (${Math.round((usedTokens / windowTokens) * 100)}%)` : "";
    lines.push(`Context: ${thousands(usedTokens)} of ${windowTokens ? thousands(windowTokens) : "an unknown window of"} tokens${pct}.`);
  }
  return lines.join("\n");
}

/**
 * An answer made without the model: the command's event (its text kept as a notice), between a
 * start and an end; stored like any answer. Its usage is none.
 */
export function localAnswer(
  store: SessionStore,
  opts: {
    model: string;
    mode: Mode;
    command: CommandEventFields;
    metadata?: ChatMessage["metadata"];
    emit: (event: AgentEvent) => void;
  },
): ChatMessage {
  const messageId = nanoid();
  const message = newAssistantMessage(messageId);
  const events: AgentEvent[] = [
    { type: "stream-start", messageId, model: opts.model, mode: opts.mode, ts: message.createdAt },
    { type: "command", messageId, ...opts.command },
    { type: "stream-end", messageId, finishReason: "stop", usage: emptyUsage(), costUsd: 0 },
  ];
  for (const event of events) {
    applyEvent(message, event);
    opts.emit(event);
  }
  Object.assign((message.metadata ??= {}), opts.metadata);
  store.append(message);
  return message;
}
