/**
 * The context commands a message can be: `/compact [focus]` and `/clear`. Only these two words are
 * recognised here; any other text starting with "/" is an ordinary message.
 */
export type ContextCommand = { name: "compact"; focus?: string } | { name: "clear" };

export function parseContextCommand(text: string): ContextCommand | undefined {
  const m = /^\/(compact|clear)(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m) return undefined;
  const rest = m[2]?.trim() ?? "";
  if (m[1] === "clear") return rest ? undefined : { name: "clear" };
  return rest ? { name: "compact", focus: rest } : { name: "compact" };
}
