import { createContext, useContext } from "react";

/** What message and tool components can ask the chat to do, without props through memo walls. */
export interface ChatActions {
  /** The propose_plan call that can still be approved (see selectors.actionablePlan). */
  actionablePlanId: string | null;
  approvePlan: () => void;
  retry: () => void;
  /** The chat is busy (a turn runs): actions that start one are disabled. */
  running: boolean;
}

export const ChatActionsContext = createContext<ChatActions>({
  actionablePlanId: null,
  approvePlan: () => {},
  retry: () => {},
  running: false,
});

export const useChatActions = () => useContext(ChatActionsContext);
