import type { ImageAttachment } from "../../../src/api/images";
import { useCallback, useEffect, useMemo, useState, type KeyboardEvent } from "react";
import type { Mode } from "../../../src/agent/events";
import "./chat.css";
import { ChatActionsContext, type ChatActions } from "./context";
import { MessageList } from "./MessageList";
import { ChatFooter, InitLogPanel, QueuedPanel, TodoPanel } from "./Panels";
import { Composer } from "./Composer";
import { ReplyAnnouncer } from "./ReplyAnnouncer";
import { actionablePlan, isRunning, latestContext, latestTodos, retryableMessageId } from "./selectors";
import { useChatSettings } from "./settings";
import { useChat } from "./useChat";
import { Spinner } from "./ui";
import { ProviderSetup, useNoProvider } from "../app/ProviderSetup";
import { call } from "../api/client";

/** The chat of one workspace: conversation, pinned todos, queue and composer. */
export function ChatView({ workspaceId }: { workspaceId: string }) {
  // A fresh instance per workspace: no state leaks from one chat into another.
  return <Chat key={workspaceId} workspaceId={workspaceId} />;
}

function Chat({ workspaceId }: { workspaceId: string }) {
  const chat = useChat(workspaceId);
  const { state } = chat;
  const [settings, updateSettings] = useChatSettings(workspaceId);
  const running = isRunning(state);

  const finishedTodos = useMemo(() => latestTodos(state.messages, null), [state.messages]);
  const streamingTodos = useMemo(() => (state.streaming ? latestTodos([], state.streaming) : null), [state.streaming]);
  const todos = streamingTodos ?? finishedTodos;
  const planId = useMemo(() => actionablePlan(state.messages, state.streaming), [state.messages, state.streaming]);
  const retryableId = retryableMessageId(state);
  const context = useMemo(() => latestContext(state.messages, state.streaming), [state.messages, state.streaming]);
  const queued = useMemo(() => state.queued.filter((q) => q.confirmed), [state.queued]);

  const { send: chatSend, interrupt: chatInterrupt, retry: chatRetry } = chat;
  const [followSignal, setFollowSignal] = useState(0);
  const send = useCallback(
    (text: string, mode?: Mode, images?: ImageAttachment[]) => {
      setFollowSignal((n) => n + 1);
      // A mode given here (approving a plan) is that built-in agent; else the composer's pick.
      const agent = mode ? (settings.agent ? mode : undefined) : settings.agent;
      return chatSend(text, {
        model: settings.model,
        mode: mode ?? settings.mode,
        ...(agent ? { agent } : {}),
        thinking: settings.thinking,
        ...(images?.length ? { images } : {}),
      });
    },
    [chatSend, settings],
  );
  const interrupt = useCallback(() => {
    chatInterrupt().catch(() => {});
  }, [chatInterrupt]);
  // Stable, so the (memoized) composer does not re-render with every streamed token.
  const sendFromComposer = useCallback((text: string, images?: ImageAttachment[]) => send(text, undefined, images), [send]);

  const actions = useMemo<ChatActions>(
    () => ({
      workspaceId,
      actionablePlanId: planId,
      running,
      retry: () => {
        chatRetry().catch(() => {});
      },
      approvePlan: () => {
        updateSettings(settings.agent ? { mode: "exec", agent: "exec" } : { mode: "exec" });
        setFollowSignal((n) => n + 1);
        return call((api) => api.chat.startPlan({ workspaceId }));
      },
      answerQuestion: (toolCallId, answers) => call((api) => api.chat.answer({ workspaceId, toolCallId, answers })),
    }),
    [workspaceId, planId, running, chatRetry, updateSettings, settings.agent],
  );

  useEffect(() => {
    const onInterrupt = (e: Event) => {
      const target = (e as CustomEvent<{ workspaceId?: string } | undefined>).detail?.workspaceId;
      if (!target || target === workspaceId) interrupt();
    };
    window.addEventListener("mux:interrupt", onInterrupt);
    return () => window.removeEventListener("mux:interrupt", onInterrupt);
  }, [workspaceId, interrupt]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape" && running && !e.defaultPrevented) {
      e.preventDefault();
      interrupt();
    }
  };

  const empty = !state.loading && state.messages.length === 0 && !state.streaming;
  const noProvider = useNoProvider();
  return (
    <ChatActionsContext.Provider value={actions}>
      <div
        data-testid="chat-view"
        data-workspace-id={workspaceId}
        data-state={state.loading ? "loading" : running ? "running" : "idle"}
        className="relative flex h-full min-h-0 w-full min-w-0 flex-col"
        onKeyDown={onKeyDown}
      >
        {state.init && <InitLogPanel init={state.init} />}
        {state.loading ? (
          <div className="flex flex-1 items-center justify-center gap-2 text-muted" data-testid="chat-loading">
            <Spinner /> Loading conversation…
          </div>
        ) : (
          <MessageList
            messages={state.messages}
            streaming={state.streaming}
            live={chat.live}
            hasMore={state.hasMore}
            loadingOlder={state.loadingOlder}
            loadOlder={chat.loadOlder}
            retryableId={retryableId}
            followSignal={followSignal}
            footer={<ChatFooter errors={state.errors} retry={state.retry} awaiting={state.awaitingTurn && !state.streaming} onDismiss={chat.dismissErrors} />}
          />
        )}
        {empty && noProvider && (
          <div className="absolute inset-x-0 top-[15%] mx-auto max-w-sm px-4">
            <ProviderSetup />
          </div>
        )}
        {empty && !noProvider && state.errors.length === 0 && (
          <div className="pointer-events-none absolute inset-x-0 top-1/3 text-center text-muted" data-testid="chat-empty">
            <div className="text-[15px] text-fg">Start a conversation</div>
            <div className="mt-1 text-[12px]">
              {settings.mode === "plan" ? "Plan mode: the agent explores and proposes a plan." : "The agent works in this workspace's files."}
            </div>
          </div>
        )}
        <ReplyAnnouncer running={running} messages={state.messages} />
        {todos && todos.length > 0 && <TodoPanel todos={todos} />}
        {queued.length > 0 && <QueuedPanel queued={queued} onClear={() => chat.clearQueue().catch(() => {})} />}
        <Composer
          workspaceId={workspaceId}
          running={running}
          settings={settings}
          onSettings={updateSettings}
          onSend={sendFromComposer}
          onInterrupt={interrupt}
          contextTokens={context?.tokens}
          contextModel={context?.model}
        />
      </div>
    </ChatActionsContext.Provider>
  );
}
