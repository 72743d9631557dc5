import type { Mode, ThinkingLevel } from "../agent/events.js";
import type { ImageAttachment } from "../api/images.js";
import { parseSlashCommand } from "./slashCommands.js";

/** A message sent to a workspace, with the settings it asks for (queued while a turn runs). */
export interface SendInput {
  text: string;
  images?: ImageAttachment[];
  model?: string;
  mode?: Mode;
  agent?: string;
  thinking?: ThinkingLevel;
}
export type TurnRequest = Partial<SendInput>;

/**
 * How many of the queued messages the next turn takes: the ordinary ones up to the next slash
 * command, which runs alone (joined to other text it would be an ordinary message).
 */
export function nextBatch(entries: SendInput[]): number {
  const command = entries.findIndex((e) => parseSlashCommand(e.text).kind !== "message");
  return command === 0 ? 1 : command === -1 ? entries.length : command;
}

export function mergeQueued(entries: SendInput[]): TurnRequest {
  const images = entries.flatMap((e) => e.images ?? []);
  const req: TurnRequest = {
    text: entries
      .map((e) => e.text)
      .filter(Boolean)
      .join("\n\n"),
    ...(images.length ? { images } : {}),
  };
  for (const e of entries) {
    if (e.model) req.model = e.model;
    if (e.mode) req.mode = e.mode;
    if (e.mode || e.agent) req.agent = e.agent;
    if (e.thinking) req.thinking = e.thinking;
  }
  return req;
}

/** A queued message as the composer lists it: its text, and how many images go with it. */
export function queuedText(entry: SendInput): string {
  const n = entry.images?.length ?? 0;
  return n ? `${entry.text}${entry.text ? " " : ""}[${n} image${n > 1 ? "s" : ""}]` : entry.text;
}
