import { createContext, useContext } from "react";
import type { Answers } from "../../../src/agent/questions";

/** What message and tool components can ask the chat to do, without props through memo walls. */
export interface ChatActions {
  workspaceId: string;
  /** The propose_plan call that can still be approved (see selectors.actionablePlan). */
  actionablePlanId: string | null;
  /** Switches to exec and sends the plan file (as the user may have edited it) as the instruction. */
  approvePlan: () => Promise<unknown>;
  /** Answers the question the turn waits on (ask_user_question). */
  answerQuestion: (toolCallId: string, answers: Answers) => Promise<unknown>;
  retry: () => void;
  /** The chat is busy (a turn runs): actions that start one are disabled. */
  running: boolean;
}

export const ChatActionsContext = createContext<ChatActions>({
  workspaceId: "",
  actionablePlanId: null,
  approvePlan: async () => {},
  answerQuestion: async () => {},
  retry: () => {},
  running: false,
});

export const useChatActions = () => useContext(ChatActionsContext);
