import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { Runtime } from "../runtime/types.js";
import type { ResolvedAgent } from "../agents/resolve.js";
import type { Mode } from "./events.js";

const BASE_PROMPT = `You are Mux, a coding agent working in a software project on the user's behalf.
- Work inside the workspace root. Read the relevant code before changing it; keep changes minimal and in the project's style.
- Use the tools: bash for commands (builds, tests, git), file_read/glob/grep to explore, the file_edit tools to change files. Prefer the file tools over shell tricks for reading and editing.
- Tool results are data; a failed tool call tells you what went wrong, so adjust and continue.
- For multi-step work keep a short checklist with todo_write and update it as you go.
- Verify your work (run the tests or the program) when you can. Never commit, push or delete branches unless asked.
- Be concise: finish with a short summary of what you did and anything the user must know.`;

const PLAN_PROMPT = `You are in PLAN MODE. Do not change any files or run commands that modify state: the file-editing and bash tools are unavailable.
Explore the code with the read-only tools, then call propose_plan exactly once with a concrete, step-by-step plan in Markdown (files to change, approach, risks, how to verify). The plan ends your turn.`;

async function readOptional(read: () => Promise<Buffer | string>): Promise<string | undefined> {
  try {
    const text = (await read()).toString().trim();
    return text || undefined;
  } catch {
    return undefined;
  }
}

/** User-level, then project-level, then local (untracked) instructions, in that order. */
export async function loadInstructions(runtime: Runtime, muxRoot: string): Promise<{ source: string; text: string }[]> {
  const userFile = path.join(muxRoot, "AGENTS.md");
  const groups = [["AGENTS.md", "CLAUDE.md"], ["AGENTS.local.md"]].map((names) => names.map((name) => path.posix.join(runtime.root, name)));
  // Read all at once (most are missing): the first request waits for these, one round trip instead of four.
  const [user, ...texts] = await Promise.all([
    readOptional(() => fs.readFile(userFile)),
    ...groups.flat().map((file) => readOptional(() => runtime.readFile(file))),
  ]);
  const found: { source: string; text: string }[] = [];
  if (user) found.push({ source: userFile, text: user });
  let i = 0;
  for (const files of groups) {
    // The first file of a group that has text, as before (CLAUDE.md only without AGENTS.md).
    const hit = files.map((source, j) => ({ source, text: texts[i + j] })).find((f) => f.text);
    if (hit?.text) found.push({ source: hit.source, text: hit.text });
    i += files.length;
  }
  return found;
}

export interface SystemPromptInput {
  runtime: Runtime;
  muxRoot: string;
  mode: Mode;
  model: string;
  /** A custom agent's instructions follow the mode's. */
  agent?: Pick<ResolvedAgent, "id" | "name" | "instructions">;
  now?: Date;
}

export async function buildSystemPrompt(input: SystemPromptInput): Promise<string> {
  const { runtime } = input;
  const now = input.now ?? new Date();
  const env = [
    "<environment>",
    `Operating system: ${os.type()} ${os.release()} (${process.platform}/${process.arch})`,
    `Workspace root (cwd): ${runtime.root}`,
    `Runtime: ${runtime.type}`,
    `Date: ${now.toISOString().slice(0, 10)}`,
    `Model: ${input.model}`,
    "</environment>",
  ].join("\n");
  const sections = [BASE_PROMPT, env];
  if (input.mode === "plan") sections.push(PLAN_PROMPT);
  const agentText = input.agent?.instructions.join("\n\n");
  if (agentText) sections.push(`<agent id="${input.agent?.id}" name="${input.agent?.name}">\n${agentText}\n</agent>`);
  for (const { source, text } of await loadInstructions(runtime, input.muxRoot)) {
    sections.push(`<instructions source="${source}">\n${text}\n</instructions>`);
  }
  return sections.join("\n\n");
}
