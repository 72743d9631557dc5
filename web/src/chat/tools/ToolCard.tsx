import { memo } from "react";
import { AskCard } from "./AskCard";
import { BashCard } from "./BashCard";
import { CardFrame, type ToolCardProps } from "./CardFrame";
import { EditCard } from "./EditCard";
import { PlanCard } from "./PlanCard";
import { TaskAwaitCard, TaskCard } from "./TaskCard";
import { GlobCard, GrepCard, ReadCard } from "./SearchCards";
import { TodoCard } from "./TodoCard";

function GenericCard({ part }: ToolCardProps) {
  const json = (v: unknown) => (v === undefined ? "" : JSON.stringify(v, null, 2));
  return (
    <CardFrame part={part} title={part.toolName}>
      <pre className="max-h-80 overflow-auto px-2.5 py-2 font-mono text-[12px] whitespace-pre-wrap">
        {json(part.input)}
        {part.output !== undefined && `\n→ ${json(part.output)}`}
      </pre>
    </CardFrame>
  );
}

/** One tool call, rendered by what the tool is. Memoized by part identity. */
export const ToolCard = memo(function ToolCard({ part }: ToolCardProps) {
  switch (part.toolName) {
    case "bash":
      return <BashCard part={part} />;
    case "file_edit_replace_string":
    case "file_edit_insert":
    case "file_write":
      return <EditCard part={part} />;
    case "file_read":
      return <ReadCard part={part} />;
    case "glob":
      return <GlobCard part={part} />;
    case "grep":
      return <GrepCard part={part} />;
    case "todo_write":
      return <TodoCard part={part} />;
    case "propose_plan":
      return <PlanCard part={part} />;
    case "ask_user_question":
      return <AskCard part={part} />;
    case "task":
      return <TaskCard part={part} />;
    case "task_await":
      return <TaskAwaitCard part={part} />;
    default:
      return <GenericCard part={part} />;
  }
});
