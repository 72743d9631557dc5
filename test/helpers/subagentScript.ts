import type { FakeTurn, RecordedRequest } from "../fake-provider/index.js";

/** What an Anthropic request says of its conversation: the first user text, and each tool result so far (parsed when JSON). */
export interface Conversation {
  first: string;
  results: unknown[];
  /** The tools the request offers. */
  tools: string[];
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((b) => (b && typeof b === "object" && "text" in b ? String((b as { text: unknown }).text) : "")).join("");
  return "";
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function conversationOf(req: RecordedRequest): Conversation {
  const messages = (req.body?.messages ?? []) as { role: string; content: unknown }[];
  const results: unknown[] = [];
  for (const m of messages) {
    if (!Array.isArray(m.content)) continue;
    for (const b of m.content as { type: string; content?: unknown }[]) if (b.type === "tool_result") results.push(parsed(textOf(b.content)));
  }
  const tools = ((req.body?.tools ?? []) as { name: string }[]).map((t) => t.name);
  return { first: textOf(messages[0]?.content), results, tools };
}

/**
 * A fake provider responder that answers each conversation by its first message: the script
 * whose key the first message contains gets the conversation (and which step it is at: how many
 * tool results it holds) and says what to answer.
 */
export function scripted(scripts: Record<string, (c: Conversation, req: RecordedRequest) => FakeTurn>): (req: RecordedRequest) => FakeTurn {
  return (req) => {
    const c = conversationOf(req);
    const key = Object.keys(scripts).find((k) => c.first.includes(k));
    if (!key) return { text: `no script for: ${c.first.slice(0, 80)}` };
    return scripts[key](c, req);
  };
}

/** A task tool's report among the tool results (by its title). */
export function reportTitled(c: Conversation, title: string): { taskId: string; [k: string]: unknown } | undefined {
  return c.results.find((r): r is { taskId: string } => !!r && typeof r === "object" && (r as { title?: unknown }).title === title) as
    | { taskId: string; [k: string]: unknown }
    | undefined;
}

/** A bash script committing `file` with `content` in the workspace it runs in. */
export function commitScript(file: string, content: string): string {
  return `printf '%s\\n' '${content}' > ${file} && git add ${file} && git -c user.name=T -c user.email=t@x commit -qm 'add ${file}' && echo committed`;
}

/**
 * The usual delegation, for `scripted`: the parent (first message containing `parent`) starts one
 * helper titled `title`, whose prompt contains `child`; the helper runs `script` in bash and
 * answers `childAnswer`; the parent applies the helper's branch and answers `parentAnswer`.
 */
export function delegateAndApply(o: {
  parent: string;
  child: string;
  title: string;
  script: string;
  childAnswer: string;
  parentAnswer: string;
}): Record<string, (c: Conversation) => FakeTurn> {
  return {
    [o.parent]: (c) => {
      if (c.results.length === 0) return { toolCalls: [{ name: "task", args: { title: o.title, prompt: `${o.child}: do it` } }] };
      if (c.results.length === 1) return { toolCalls: [{ name: "task_apply_git_patch", args: { task_id: reportTitled(c, o.title)?.taskId } }] };
      return { text: o.parentAnswer };
    },
    [o.child]: (c) => (c.results.length === 0 ? { toolCalls: [{ name: "bash", args: { script: o.script } }] } : { text: o.childAnswer }),
  };
}
