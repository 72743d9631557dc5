import type { AgentEvent, AgentEventOf } from "../../agent/events.js";

export interface Renderer {
  onEvent(event: AgentEvent): void;
  /** Called once with the terminal summary of the run. */
  finish(summary: AgentEventOf<"run-complete">): void;
  /** Called once, instead of finish, when the run could not start or broke outside the agent. */
  fail(error: AgentEventOf<"error">, summary: AgentEventOf<"run-complete">): void;
}
