import { useState } from "react";
import type { Answers, Question } from "../../../../src/agent/questions";
import { useChatActions } from "../context";
import { StatusIcon, type ToolCardProps, toolError } from "./CardFrame";

interface Choice {
  picked: string[];
  other: string;
}

/** A question's answer as the tool returns it: the picked labels and the typed text, joined. */
function answerOf(q: Question, c: Choice | undefined): string {
  if (!c) return "";
  const parts = [...q.options.map((o) => o.label).filter((l) => c.picked.includes(l)), c.other.trim()].filter(Boolean);
  return parts.join(", ");
}

/**
 * ask_user_question: the agent's questions. While the turn waits on them they are a form (a
 * choice each, or the user's own words); once answered, the answers.
 */
export function AskCard({ part }: ToolCardProps) {
  const { answerQuestion } = useChatActions();
  const questions = (part.input as { questions?: Question[] } | undefined)?.questions ?? [];
  const output = part.output as { answered?: boolean; answers?: Answers; note?: string } | undefined;
  const waiting = part.state === "running";
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const complete = questions.length > 0 && questions.every((q) => answerOf(q, choices[q.question]));

  const update = (q: Question, change: (c: Choice) => Choice) =>
    setChoices((all) => ({ ...all, [q.question]: change(all[q.question] ?? { picked: [], other: "" }) }));
  const pick = (q: Question, label: string, on: boolean) =>
    update(q, (c) => ({
      // One choice at a time unless several may be picked; a typed answer replaces a single choice.
      picked: q.multiSelect ? (on ? [...c.picked, label] : c.picked.filter((l) => l !== label)) : on ? [label] : [],
      other: q.multiSelect || !on ? c.other : "",
    }));
  const type = (q: Question, text: string) => update(q, (c) => ({ picked: q.multiSelect || !text ? c.picked : [], other: text }));

  const submit = async () => {
    setSending(true);
    setError(null);
    try {
      await answerQuestion(part.toolCallId, Object.fromEntries(questions.map((q) => [q.question, answerOf(q, choices[q.question])])));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSending(false);
    }
  };

  const failed = toolError(part);
  return (
    <div
      className={`my-2 rounded-md border ${waiting ? "border-warn/70 bg-warn/5" : "border-line bg-panel"}`}
      data-testid="question-card"
      data-state={part.state}
      data-tool-call-id={part.toolCallId}
    >
      <div className="flex items-center gap-2 border-b border-line/60 px-3 py-1.5" data-testid="tool-card-ask_user_question">
        <StatusIcon part={part} />
        <span className="font-semibold">{questions.length > 1 ? "Questions" : "Question"}</span>
        {waiting && <span className="text-[12px] text-warn">waiting for your answer</span>}
      </div>
      <form
        className="space-y-3 px-3 py-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (waiting && complete && !sending) void submit();
        }}
      >
        {questions.map((q, i) => {
          const c = choices[q.question];
          const given = output?.answers?.[q.question];
          return (
            <fieldset key={q.question} data-testid={`question-${i}`} className="min-w-0">
              <legend className="mb-1 text-[13px]">
                {q.header && <span className="badge mr-1.5">{q.header}</span>}
                <span className="font-medium">{q.question}</span>
              </legend>
              {waiting ? (
                <div className="space-y-1">
                  {q.options.map((o) => (
                    <label key={o.label} className="flex cursor-pointer items-start gap-2 rounded px-1 py-0.5 hover:bg-elev" data-testid="question-option">
                      <input
                        type={q.multiSelect ? "checkbox" : "radio"}
                        name={`${part.toolCallId}-${i}`}
                        className="mt-1"
                        checked={c?.picked.includes(o.label) ?? false}
                        onChange={(e) => pick(q, o.label, e.target.checked)}
                      />
                      <span className="min-w-0">
                        <span>{o.label}</span>
                        {o.description && <span className="block text-[12px] text-muted">{o.description}</span>}
                      </span>
                    </label>
                  ))}
                  <input
                    type="text"
                    data-testid="question-other-input"
                    aria-label={`Your own answer to: ${q.question}`}
                    placeholder={q.multiSelect ? "Anything else (optional)…" : "Or type your own answer…"}
                    className="w-full rounded border border-line bg-bg px-2 py-1 text-[13px]"
                    value={c?.other ?? ""}
                    onChange={(e) => type(q, e.target.value)}
                  />
                </div>
              ) : (
                <div className="pl-1 text-[13px]" data-testid="question-answer">
                  {given ? <span className="text-fg">→ {given}</span> : <span className="text-muted">not answered</span>}
                </div>
              )}
            </fieldset>
          );
        })}
        {waiting && (
          <div className="flex items-center gap-2">
            <button type="submit" className="btn btn-primary" data-testid="question-submit" disabled={!complete || sending}>
              {sending ? "Sending…" : "Answer"}
            </button>
            {error && (
              <span className="text-[12px] text-err" role="alert">
                {error}
              </span>
            )}
          </div>
        )}
        {output?.answered === false && <div className="text-[12px] text-muted">{output.note}</div>}
        {failed && <div className="text-[12px] text-err">{failed}</div>}
      </form>
    </div>
  );
}
