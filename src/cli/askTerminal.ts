import * as readline from "node:readline/promises";
import type { AskUser } from "../agent/loop.js";
import type { Answers, Question } from "../agent/questions.js";

/** A reply to one question: choice numbers ("2", "1, 3" when several may be picked) or the user's own words. */
export function parseReply(question: Question, reply: string): string | undefined {
  const text = reply.trim();
  if (!text) return undefined;
  if (/^\d+(\s*,\s*\d+)*$/.test(text)) {
    const picks = [...new Set(text.split(",").map((n) => Number(n.trim())))];
    const valid = picks.every((n) => n >= 1 && n <= question.options.length) && (question.multiSelect || picks.length === 1);
    if (valid) return picks.map((n) => question.options[n - 1].label).join(", ");
  }
  return text;
}

function render(question: Question, index: number, total: number): string {
  const lines = [`\n? ${total > 1 ? `(${index + 1}/${total}) ` : ""}${question.header ? `[${question.header}] ` : ""}${question.question}`];
  question.options.forEach((o, i) => lines.push(`  ${i + 1}. ${o.label}${o.description ? ` — ${o.description}` : ""}`));
  lines.push(question.multiSelect ? "  Numbers separated by commas, or type your own answer." : "  A number, or type your own answer.");
  return `${lines.join("\n")}\n`;
}

/**
 * Asks on the terminal (`mux run` with a TTY on stdin and stderr): each question with numbered
 * choices; a number picks one, anything else is the answer itself. Ctrl+C interrupts the run.
 */
export function terminalAsker(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, onInterrupt: () => void): AskUser {
  return async ({ questions }, signal) => {
    const rl = readline.createInterface({ input, output, terminal: (input as { isTTY?: boolean }).isTTY === true });
    rl.on("SIGINT", onInterrupt);
    try {
      const answers: Answers = {};
      for (const [i, q] of questions.entries()) {
        output.write(render(q, i, questions.length));
        let answer: string | undefined;
        while (answer === undefined) answer = parseReply(q, await rl.question("> ", { signal }));
        answers[q.question] = answer;
      }
      return answers;
    } finally {
      rl.close();
    }
  };
}
