import type { AgentEventOf } from "../agent/events.js";

/**
 * The slash commands a message can be, shared by the session core, `mux run` and the web composer
 * (browser-safe: no Node imports). One list says what each takes and where it runs; one parser
 * turns a message into a command, an ordinary message, or a refusal that says what went wrong.
 *
 * The rule: a message is a command when it starts (after leading blanks) with "/" and a word of
 * lower-case letters, digits and "-", followed by a blank or the end. A known word runs its
 * command; any other such word is refused as an unknown command and nothing is sent. So
 * "/usr/bin is weird" (the word is followed by "/") and "/Compact" (capital) are messages, while
 * "/tmp is full" is refused: start it with "//" to send it as "/tmp is full".
 */

/** Where a command does its work (the composer shows it; drivers route on the name). */
export type SlashCommandPlace =
  /** In the chat, by the model (a summary): costs a request. */
  | "model-call"
  /** In the chat, without the model (a boundary, a notice). */
  | "chat"
  /** The workspace's settings (kept for later turns). */
  | "settings"
  /** The workspace list (a new workspace). */
  | "workspaces";

export interface SlashCommandSpec {
  name: SlashCommandName;
  /** What follows the name, as the composer shows it ("" when nothing). */
  args: string;
  description: string;
  where: SlashCommandPlace;
}

export const SLASH_COMMANDS = [
  { name: "compact", args: "[focus]", description: "Summarize the conversation so far; later turns send the summary", where: "model-call" },
  { name: "clear", args: "", description: "Start a fresh context (the chat keeps everything)", where: "chat" },
  { name: "model", args: "<model> [message]", description: "Switch this workspace's model (then send the message, if any)", where: "settings" },
  { name: "plan", args: "[message]", description: "Switch to plan mode: read-only, ends with a plan", where: "settings" },
  { name: "exec", args: "[message]", description: "Switch to exec mode: the agent edits and runs tools", where: "settings" },
  { name: "fork", args: "[name]", description: "Fork this workspace (files and chat) into a new one", where: "workspaces" },
  { name: "new", args: "[name]", description: "New workspace in this project, same runtime kind", where: "workspaces" },
  { name: "cost", args: "", description: "Show this chat's cost breakdown (no request)", where: "chat" },
] as const satisfies readonly { name: string; args: string; description: string; where: SlashCommandPlace }[];

export type SlashCommandName = (typeof SLASH_COMMANDS)[number]["name"];

export type SlashCommand =
  | { name: "compact"; focus?: string }
  | { name: "clear" }
  | { name: "model"; model: string; message?: string }
  | { name: "plan"; message?: string }
  | { name: "exec"; message?: string }
  | { name: "fork"; workspaceName?: string }
  | { name: "new"; workspaceName?: string }
  | { name: "cost" };

export type SlashParse =
  /** An ordinary message (`text` is what to send: "//x" becomes "/x"). */
  | { kind: "message"; text: string }
  | { kind: "command"; command: SlashCommand }
  /** A command word that is not known, or a known one used wrongly: nothing is sent. */
  | { kind: "refused"; name: string; message: string };

const COMMAND = /^\/([a-z][a-z0-9-]*)(?:\s+([\s\S]*))?$/;
const NAMES = new Set<string>(SLASH_COMMANDS.map((c) => c.name));

export function isSlashCommandName(name: string): name is SlashCommandName {
  return NAMES.has(name);
}

/** "try /compact, /clear, …": the known commands, for refusals. */
export function knownCommandsHint(): string {
  return `try ${SLASH_COMMANDS.map((c) => `/${c.name}`).join(", ")}`;
}

export function parseSlashCommand(input: string): SlashParse {
  const text = input.trim();
  if (text.startsWith("//")) return { kind: "message", text: text.slice(1) };
  const m = COMMAND.exec(text);
  if (!m) return { kind: "message", text: input };
  const name = m[1];
  const rest = m[2]?.trim() ?? "";
  if (!isSlashCommandName(name))
    return { kind: "refused", name, message: `Unknown command /${name} — ${knownCommandsHint()} (start with // to send text beginning with /)` };
  const refuse = (why: string): SlashParse => ({ kind: "refused", name, message: `/${name} ${why}` });
  const command = (c: SlashCommand): SlashParse => ({ kind: "command", command: c });
  switch (name) {
    case "compact":
      return command(rest ? { name, focus: rest } : { name });
    case "clear":
    case "cost":
      return rest ? refuse("takes nothing after it") : command({ name });
    case "model": {
      const [, model, message] = /^(\S+)(?:\s+([\s\S]*))?$/.exec(rest) ?? [];
      if (!model) return refuse("needs a model, e.g. /model sonnet or /model anthropic:claude-sonnet-4-5");
      return command(message?.trim() ? { name, model, message: message.trim() } : { name, model });
    }
    case "plan":
    case "exec":
      return command(rest ? { name, message: rest } : { name });
    case "fork":
    case "new":
      if (/\s/.test(rest)) return refuse("takes one workspace name (no spaces)");
      return command(rest ? { name, workspaceName: rest } : { name });
  }
}

/** The message a command carries on to the model after doing its work (none for most). */
export function followingMessage(command: SlashCommand): string | undefined {
  return command.name === "model" || command.name === "plan" || command.name === "exec" ? command.message : undefined;
}

/** Commands matching what the user has typed so far (the composer's popup): by prefix, then by substring. */
export function matchSlashCommands(draft: string): readonly SlashCommandSpec[] | undefined {
  const m = /^\/([a-z0-9-]*)$/.exec(draft.trimStart());
  if (!m) return undefined;
  const word = m[1];
  const prefix = SLASH_COMMANDS.filter((c) => c.name.startsWith(word));
  const inside = SLASH_COMMANDS.filter((c) => !c.name.startsWith(word) && c.name.includes(word));
  return [...prefix, ...inside];
}

// The command event (src/agent/events.ts) names the same commands: this fails to compile when they differ.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const COMMAND_EVENT_NAMES_MATCH: Same<SlashCommandName, AgentEventOf<"command">["name"]> = true;
