import type { AgentEvent, AgentEventOf } from "../../agent/events.js";

export interface Renderer {
  onEvent(event: AgentEvent): void;
  /** Called once with the terminal summary of the run. */
  finish(summary: AgentEventOf<"run-complete">): void;
}
