import { z } from "zod";

/**
 * What `ask_user_question` asks and what the user answers: shared by the tool, the event
 * protocol, the server's answer route and the web card (browser-safe: zod only). The shape is
 * the original Mux's (and other agents'), so chats written there read the same here.
 */

export const QuestionOptionSchema = z.object({
  label: z.string().min(1).describe("The choice as the user sees it: 1-5 words."),
  description: z.string().optional().describe("What choosing it means, in one sentence."),
});

export const QuestionSchema = z.object({
  question: z.string().min(1).describe("The complete question, ending with a question mark."),
  header: z.string().max(30).optional().describe("A very short label for the question (a word or two)."),
  options: z.array(QuestionOptionSchema).min(2).max(4).describe("2-4 choices; the user may also type an answer of their own."),
  multiSelect: z.boolean().optional().describe("The user may pick several choices."),
});
export type Question = z.infer<typeof QuestionSchema>;

export const QuestionsSchema = z.array(QuestionSchema).min(1).max(4);

/** Each question's text → the user's answer (a choice's label, several joined by ", ", or their own words). */
export const AnswersSchema = z.record(z.string(), z.string());
export type Answers = z.infer<typeof AnswersSchema>;

/** Why `answers` cannot be taken as the answer to `questions` (undefined when it can). */
export function answersProblem(questions: Question[], answers: Answers): string | undefined {
  for (const q of questions) {
    if (!answers[q.question]?.trim()) return `no answer to "${q.question}"`;
  }
  const extra = Object.keys(answers).find((k) => !questions.some((q) => q.question === k));
  return extra === undefined ? undefined : `"${extra}" is not one of the questions asked`;
}
