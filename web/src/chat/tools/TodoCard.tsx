import type { TodoItem } from "../selectors";
import { CardFrame, type ToolCardProps } from "./CardFrame";

const MARK: Record<TodoItem["status"], string> = { pending: "○", in_progress: "◐", completed: "✓" };

/** The checklist, as the pinned panel and the todo_write card show it. */
export function TodoItems({ todos }: { todos: TodoItem[] }) {
  return (
    <ul className="space-y-0.5">
      {todos.map((t, i) => (
        <li key={i} className="flex gap-2" data-status={t.status}>
          <span
            className={`w-3.5 shrink-0 text-center ${t.status === "completed" ? "text-ok" : t.status === "in_progress" ? "text-accent" : "text-muted"}`}
            aria-hidden="true"
          >
            {MARK[t.status]}
          </span>
          <span className={t.status === "completed" ? "text-muted line-through" : t.status === "in_progress" ? "font-medium" : ""}>
            <span className="sr-only">{t.status.replace("_", " ")}: </span>
            {t.content}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function todoProgress(todos: TodoItem[]): string {
  return `${todos.filter((t) => t.status === "completed").length}/${todos.length} done`;
}

export function TodoCard({ part }: ToolCardProps) {
  const todos = ((part.input as { todos?: TodoItem[] } | undefined)?.todos ?? []) as TodoItem[];
  const current = todos.find((t) => t.status === "in_progress");
  return (
    <CardFrame part={part} title="todos" summary={current ? current.content : todoProgress(todos)}>
      {todos.length ? (
        <div className="px-2.5 py-1.5">
          <TodoItems todos={todos} />
        </div>
      ) : null}
    </CardFrame>
  );
}
