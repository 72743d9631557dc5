import { type Answers, answersProblem, type Question } from "../agent/questions.js";
import { HubError } from "./errors.js";

/**
 * The agent's question waiting for the user (ask_user_question) in one workspace: the turn
 * waits on `ask` until the user answers or the turn ends; `changed` tells the sidebar (which
 * shows "needs input" meanwhile).
 */
export class PendingQuestion {
  private current: { toolCallId: string; questions: Question[]; answer: (answers: Answers) => void } | null = null;

  constructor(private readonly changed: () => void) {}

  get waiting(): boolean {
    return this.current !== null;
  }

  /** Waits for the user; the turn's end (its signal) stops the wait: see loop.ts. */
  readonly ask = (request: { toolCallId: string; questions: Question[] }, signal: AbortSignal): Promise<Answers> =>
    new Promise<Answers>((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", done);
        if (this.current?.toolCallId === request.toolCallId) this.current = null;
        this.changed();
      };
      this.current = {
        ...request,
        answer: (answers) => {
          done();
          resolve(answers);
        },
      };
      signal.addEventListener("abort", done, { once: true });
      this.changed();
    });

  /** The user's answers: checked against the questions, then the waiting turn goes on with them. */
  answer(toolCallId: string, answers: Answers): void {
    const q = this.current;
    if (!q || q.toolCallId !== toolCallId) throw new HubError("CONFLICT", "that question is no longer waiting for an answer");
    const problem = answersProblem(q.questions, answers);
    if (problem) throw new HubError("BAD_REQUEST", problem);
    q.answer(answers);
  }
}
