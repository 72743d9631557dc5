import { lazy, Suspense, useEffect, useState } from "react";
import { useStore } from "../state/store";
import { openOverlay, selectWorkspace, uiStore } from "../state/ui";
import { onWorkspaceChange, workspacesStore } from "../state/workspaces";
import { Sidebar } from "../sidebar/Sidebar";
import { ChunkBoundary } from "./ChunkBoundary";
import { keyLabel } from "./keys";
import { OverlayHost } from "./OverlayHost";
import { ProviderSetup, useNoProvider } from "./ProviderSetup";
import { RightPanel } from "./RightPanel";
import { useMarkRead } from "./useMarkRead";
import { useNarrow } from "./useNarrow";
import { useShortcuts } from "./useShortcuts";
import { WorkspaceHeader } from "./WorkspaceHeader";

// The chat (markdown, highlighting…) is its own chunk, so the sidebar is up before it is parsed.
type ChatModule = typeof import("../chat/ChatView");
/** The chat's module once loaded: rendered directly from then on, with no suspending. */
let chatModule: ChatModule | undefined;
let chatLoading: Promise<ChatModule> | undefined;
export function loadChat(): Promise<ChatModule> {
  chatLoading ??= import("../chat/ChatView").then(
    (m) => (chatModule = m),
    (err: unknown) => {
      chatLoading = undefined; // the next render (Retry) tries again, with a fresh lazy wrapper
      LazyChatView = lazyChat();
      throw err;
    },
  );
  return chatLoading;
}
// Only until the module is loaded: lazy() suspends on its first render even when the chunk is
// at hand, and React then holds the reveal for its fallback throttle (~300 ms).
const lazyChat = () => lazy(() => loadChat().then((m) => ({ default: m.ChatView })));
let LazyChatView = lazyChat();

/** The chat, picked once per mount: swapping the lazy wrapper for the module later would remount it. */
function ChatSlot({ workspaceId }: { workspaceId: string }) {
  const [Chat] = useState(() => chatModule?.ChatView ?? LazyChatView);
  return <Chat workspaceId={workspaceId} />;
}

export function App() {
  const selectedId = useStore(uiStore, (s) => s.selectedId);
  const panel = useStore(uiStore, (s) => s.panel);
  // The phone's open drawer is modal: the rest of the page is out of reach until it closes.
  const narrow = useNarrow();
  const drawerModal = useStore(uiStore, (s) => s.drawerOpen) && narrow;
  const loaded = useStore(workspacesStore, (s) => s.loaded);
  const workspace = useStore(workspacesStore, (s) => (selectedId ? (s.byId[selectedId] ?? null) : null));
  useShortcuts();
  useDocumentTitle(workspace?.name);
  useMarkRead(selectedId, workspace?.activity.unread ?? false);

  // The shown workspace was deleted (here or elsewhere): show nothing rather than a dead chat.
  useEffect(
    () =>
      onWorkspaceChange((_prev, next, id) => {
        if (!next && uiStore.get().selectedId === id) selectWorkspace(null);
      }),
    [],
  );

  // Before the list has loaded, trust the URL and start the chat at once.
  const showChat = selectedId && (workspace || !loaded);
  return (
    <div className="flex h-dvh overflow-hidden">
      <Sidebar />
      <main className="relative flex min-w-0 flex-1 flex-col" inert={drawerModal}>
        <WorkspaceHeader workspace={workspace} panel={workspace ? panel : null} />
        <div className="relative flex min-h-0 flex-1">
          <div className="flex min-w-0 flex-1 flex-col" data-testid="chat-area">
            {showChat ? (
              <ChunkBoundary key={selectedId} fallback={(retry) => <LoadFailed retry={retry} />}>
                <Suspense fallback={null}>
                  <ChatSlot workspaceId={selectedId} />
                </Suspense>
              </ChunkBoundary>
            ) : selectedId ? (
              <NotFound />
            ) : (
              <Welcome />
            )}
          </div>
          {panel && workspace && <RightPanel workspaceId={workspace.id} tab={panel} />}
        </div>
      </main>
      <OverlayHost />
    </div>
  );
}

/** "(2) swift-otter — Mux": the count is workspaces with news (finished unseen, or waiting for input). */
function useDocumentTitle(name: string | undefined) {
  const news = useStore(workspacesStore, (s) => Object.values(s.byId).filter((w) => w.activity.unread || w.activity.state === "needs-input").length);
  useEffect(() => {
    document.title = `${news ? `(${news}) ` : ""}${name ? `${name} — ` : ""}Mux`;
  }, [news, name]);
}

function Welcome() {
  const count = useStore(workspacesStore, (s) => Object.keys(s.byId).length);
  const hasProjects = useStore(workspacesStore, (s) => s.projects.length > 0);
  const noProvider = useNoProvider();
  return (
    <div data-testid="welcome" className="m-auto max-w-sm p-6 text-center text-muted">
      {noProvider && (
        <div className="mb-5">
          <ProviderSetup />
        </div>
      )}
      <p className="mb-3 text-fg">{count ? "Select a workspace, or start a new one." : "Run coding agents in parallel, each in its own workspace."}</p>
      <div className="flex justify-center gap-2">
        {hasProjects ? (
          <button type="button" className="btn btn-primary" onClick={() => openOverlay({ kind: "new-workspace" })}>
            New workspace
          </button>
        ) : (
          <button type="button" className="btn btn-primary" onClick={() => openOverlay({ kind: "add-project" })}>
            Add project
          </button>
        )}
        <button type="button" className="btn" onClick={() => openOverlay({ kind: "palette" })}>
          Commands
        </button>
      </div>
      <p className="mt-4 text-[11px]">
        {keyLabel("N")} new · {keyLabel("J")}/{keyLabel("K")} next/previous · {keyLabel("P", true)} commands · {keyLabel(",")} settings
      </p>
    </div>
  );
}

/** A workspace id from the URL that the server does not know (yet: a just-created one arrives shortly). */
function NotFound() {
  const [late, setLate] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setLate(true), 1500);
    return () => clearTimeout(t);
  }, []);
  if (!late) return null;
  return (
    <div data-testid="workspace-not-found" className="m-auto p-6 text-center text-muted">
      <p className="mb-3">This workspace does not exist (any more).</p>
      <button type="button" className="btn" onClick={() => selectWorkspace(null)}>
        Close
      </button>
    </div>
  );
}

function LoadFailed({ retry }: { retry: () => void }) {
  return (
    <div role="alert" data-testid="chat-load-failed" className="m-auto p-6 text-center text-muted">
      <p className="mb-3">The chat could not be loaded (server unreachable?).</p>
      <button type="button" className="btn" onClick={retry}>
        Retry
      </button>
    </div>
  );
}
