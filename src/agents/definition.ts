import { isNode, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { ConfigError } from "../config/errors.js";

/**
 * An agent file's front matter, in the original Mux's format so its `.mux/agents/*.md` files work
 * unchanged: `base` names the agent this one builds on, `tools.add`/`tools.remove` are patterns
 * (whole-name regular expressions) applied in that order, `ai` gives the model and thinking level
 * it defaults to. Unknown keys are kept out of the way, not refused (the original grows new ones).
 */
export const AgentFrontMatterSchema = z.looseObject({
  name: z.string().trim().min(1),
  description: z.string().optional(),
  base: z.string().trim().min(1).optional(),
  ui: z.looseObject({ hidden: z.boolean().optional(), disabled: z.boolean().optional(), color: z.string().optional() }).optional(),
  prompt: z.looseObject({ append: z.boolean().optional() }).optional(),
  subagent: z.looseObject({ runnable: z.boolean().optional() }).optional(),
  ai: z.looseObject({ model: z.string().optional(), thinkingLevel: z.string().optional() }).optional(),
  /** A plain list is the same as `add`. */
  tools: z.union([z.array(z.string()), z.looseObject({ add: z.array(z.string()).optional(), remove: z.array(z.string()).optional() })]).optional(),
});
export type AgentFrontMatter = z.infer<typeof AgentFrontMatterSchema>;

export type AgentScope = "project" | "global" | "built-in";

export interface AgentDefinition {
  /** From the file name: `review.md` → `review`. */
  id: string;
  scope: AgentScope;
  /** Where it was read from (built-ins have none). */
  file?: string;
  front: AgentFrontMatter;
  /** The Markdown after the front matter: the agent's instructions. */
  body: string;
}

const FENCE = /^---[ \t]*$/;

/**
 * Reads one agent file. A broken one throws a ConfigError naming the file and line, so the list
 * can skip it with a message while every other agent keeps working.
 */
export function parseAgentFile(text: string, file: string, id: string, scope: AgentScope): AgentDefinition {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (!FENCE.test(lines[0] ?? "")) throw new ConfigError(`${file}:1: an agent file starts with front matter between two "---" lines`, file, 1);
  const end = lines.findIndex((l, i) => i > 0 && FENCE.test(l));
  if (end < 0) throw new ConfigError(`${file}:1: the front matter is not closed by a "---" line`, file, 1);
  const lineCounter = new LineCounter();
  const doc = parseDocument(lines.slice(1, end).join("\n"), { prettyErrors: false, lineCounter });
  // Lines in the YAML count from the line after the opening fence.
  const fileLine = (offset: number | undefined) => (offset === undefined ? 2 : lineCounter.linePos(offset).line + 1);
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = fileLine(yamlError.pos[0]);
    throw new ConfigError(`${file}:${line}: ${yamlError.message.split("\n")[0]}`, file, line);
  }
  const parsed = AgentFrontMatterSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const node = issue.path.length ? doc.getIn(issue.path as (string | number)[], true) : undefined;
    const line = fileLine(isNode(node) ? node.range?.[0] : undefined);
    const where = issue.path.length ? issue.path.join(".") : "front matter";
    throw new ConfigError(`${file}:${line}: ${where}: ${issue.message}`, file, line);
  }
  return {
    id,
    scope,
    file,
    front: parsed.data,
    body: lines
      .slice(end + 1)
      .join("\n")
      .trim(),
  };
}
