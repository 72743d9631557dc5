import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { ThinkingLevel } from "../../../src/agent/events";
import { matchSlashCommands, parseSlashCommand, type SlashCommandSpec } from "../../../src/session/slashCommands";
import { ContextMeter } from "./ContextMeter";
import { ModelPicker } from "./ModelPicker";
import { SlashMenu } from "./SlashMenu";
import type { ChatSettings } from "./settings";
import { SendIcon, StopIcon } from "./ui";
import { useStore } from "../state/store";
import { composerFocused, openOverlay, uiStore } from "../state/ui";
import { workspacesStore } from "../state/workspaces";
import { CommentChips } from "../review/CommentChips";
import { takeComments, useComments, withComments } from "../review/comments";

const THINKING: ThinkingLevel[] = ["off", "low", "medium", "high", "max"];

interface Props {
  workspaceId: string;
  running: boolean;
  settings: ChatSettings;
  onSettings: (patch: Partial<ChatSettings>) => void;
  onSend: (text: string) => Promise<unknown>;
  onInterrupt: () => void;
  /** How full the context was at the latest request, and of which model (the meter). */
  contextTokens?: number;
  contextModel?: string;
}

/** Draft text survives switching workspaces (per workspace, for this page's lifetime). */
const drafts = new Map<string, string>();

/**
 * The message box: Enter sends, Shift+Enter is a newline, Esc interrupts the running turn.
 * Messages sent while the agent works are queued by the server.
 */
export const Composer = memo(function Composer({ workspaceId, running, settings, onSettings, onSend, onInterrupt, contextTokens, contextModel }: Props) {
  // Set while `mux run --workspace` (or another server) has this chat: sends are refused then.
  const elsewhere = useStore(workspacesStore, (s) => s.byId[workspaceId]?.activity.elsewhere);
  const [text, setText] = useState(() => drafts.get(workspaceId) ?? "");
  const [error, setError] = useState<string | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  // Review comments go with the next message, after its text.
  const comments = useComments(workspaceId);

  useEffect(() => {
    drafts.set(workspaceId, text);
  }, [workspaceId, text]);

  // Grow with the text, up to 40% of the viewport.
  useLayoutEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight + 2, window.innerHeight * 0.4)}px`;
  }, [text]);

  // The user just switched to (or created) this workspace: the caret goes here.
  const focusWanted = useStore(uiStore, (s) => s.composerFocus === workspaceId);
  useEffect(() => {
    if (!focusWanted) return;
    area.current?.focus();
    composerFocused();
  }, [focusWanted]);

  // The draft went to a best-of-N run instead: it is sent, so the box empties as after a send.
  useEffect(() => {
    const sent = (e: Event) => {
      if ((e as CustomEvent<{ workspaceId?: string }>).detail?.workspaceId === workspaceId) setText("");
    };
    window.addEventListener("mux:draft-sent", sent);
    return () => window.removeEventListener("mux:draft-sent", sent);
  }, [workspaceId]);

  useEffect(() => {
    const focus = (e: Event) => {
      const target = (e as CustomEvent<{ workspaceId?: string } | undefined>).detail?.workspaceId;
      if (!target || target === workspaceId) area.current?.focus();
    };
    window.addEventListener("mux:focus-composer", focus);
    return () => window.removeEventListener("mux:focus-composer", focus);
  }, [workspaceId]);

  // The slash-command popup: open while the draft is one "/word" (Esc closes it until the next edit).
  const [closedFor, setClosedFor] = useState<string | null>(null);
  const [selected, setSelected] = useState(0);
  const matches = useMemo(() => matchSlashCommands(text), [text]);
  const menu = matches?.length && closedFor !== text ? matches : undefined;
  useEffect(() => setSelected(0), [matches?.length, text]);
  const pick = (c: SlashCommandSpec) => {
    setText(`/${c.name}${c.args ? " " : ""}`);
    area.current?.focus();
  };

  const send = () => {
    const value = text.trim();
    if (!value && !comments.length) return;
    // Refused here as the server would (unknown command, missing argument): nothing is sent.
    const parsed = parseSlashCommand(value);
    if (parsed.kind === "refused") {
      setError(parsed.message);
      return;
    }
    const taken = takeComments(workspaceId);
    setText("");
    setError(null);
    onSend(withComments(value, taken.comments)).catch((err: unknown) => {
      setError(err instanceof Error ? err.message : String(err));
      setText((t) => (t ? t : value));
      taken.restore();
    });
  };

  return (
    <div className="border-t border-line bg-bg px-2 pt-2 pb-[max(0.5rem,env(safe-area-inset-bottom))] sm:px-3">
      <div className="mx-auto max-w-3xl">
        {elsewhere && (
          <div className="mb-1 text-[12px] text-accent" data-testid="composer-elsewhere">
            An agent is running in this chat from another Mux process ({elsewhere}); send when it is done.
          </div>
        )}
        {error && (
          <div className="mb-1 text-[12px] text-err" role="alert" data-testid="send-error">
            Not sent: {error}
          </div>
        )}
        <CommentChips workspaceId={workspaceId} comments={comments} />
        <div className="relative rounded-lg border border-line bg-panel focus-within:border-accent">
          {menu && <SlashMenu commands={menu} selected={Math.min(selected, menu.length - 1)} onPick={pick} />}
          <textarea
            ref={area}
            data-testid="composer-input"
            aria-label="Message"
            rows={1}
            className="block max-h-[40vh] w-full resize-none bg-transparent px-3 py-2 text-[14px] leading-[1.45] outline-none placeholder:text-muted sm:text-[13px]"
            placeholder={running ? "Agent is working — new messages are queued" : settings.mode === "plan" ? "Describe what to plan…" : "Message the agent…"}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setClosedFor(null);
            }}
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={Boolean(menu)}
            aria-controls={menu ? "slash-menu" : undefined}
            aria-activedescendant={menu ? `slash-option-${menu[selected]?.name}` : undefined}
            onKeyDown={(e) => {
              if (menu && !e.nativeEvent.isComposing) {
                const chosen = menu[Math.min(selected, menu.length - 1)];
                if (e.key === "ArrowDown" || e.key === "ArrowUp") {
                  e.preventDefault();
                  setSelected((i) => (i + (e.key === "ArrowDown" ? 1 : menu.length - 1)) % menu.length);
                  return;
                }
                if (e.key === "Escape") {
                  e.preventDefault();
                  e.stopPropagation();
                  setClosedFor(text);
                  return;
                }
                // Enter on a draft that already is the chosen command sends it; otherwise it completes.
                if (e.key === "Tab" || (e.key === "Enter" && !e.shiftKey && text.trim() !== `/${chosen.name}`)) {
                  e.preventDefault();
                  pick(chosen);
                  return;
                }
              }
              if (e.key === "Enter" && !e.shiftKey && !e.altKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                send();
              } else if (e.key === "Escape" && running) {
                e.preventDefault();
                e.stopPropagation();
                onInterrupt();
              }
            }}
          />
          <div className="flex flex-wrap items-center gap-1 px-1.5 pb-1.5">
            <ModelPicker value={settings.model} onChange={(model) => onSettings({ model })} />
            <label className="inline-flex items-center gap-1 text-[12px] text-muted">
              <span className="max-sm:sr-only">Thinking</span>
              <select
                data-testid="thinking-select"
                aria-label="Thinking level"
                className="rounded border border-line bg-bg px-1 py-0.5 text-[12px] text-fg"
                value={settings.thinking}
                onChange={(e) => onSettings({ thinking: e.target.value as ThinkingLevel })}
              >
                {THINKING.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              data-testid="mode-toggle"
              data-mode={settings.mode}
              aria-pressed={settings.mode === "plan"}
              title="Plan mode: read-only, ends with a plan to approve"
              className="inline-flex overflow-hidden rounded border border-line text-[12px]"
              onClick={() => onSettings({ mode: settings.mode === "plan" ? "exec" : "plan" })}
            >
              <span className={`px-1.5 py-0.5 ${settings.mode === "exec" ? "bg-accent text-accent-fg" : "text-muted"}`}>Exec</span>
              <span className={`px-1.5 py-0.5 ${settings.mode === "plan" ? "bg-accent text-accent-fg" : "text-muted"}`}>Plan</span>
            </button>
            <span className="flex-1" />
            <ContextMeter workspaceId={workspaceId} usedTokens={contextTokens} model={contextModel} />
            {running && (
              <button
                type="button"
                data-testid="interrupt-button"
                className="btn px-2"
                title="Stop (Esc)"
                onClick={() => {
                  // This button goes away with the turn: keep the caret where the next message is typed.
                  area.current?.focus();
                  onInterrupt();
                }}
              >
                <StopIcon /> <span className="max-sm:sr-only">Stop</span>
              </button>
            )}
            <button
              type="button"
              data-testid="best-of-button"
              className="btn px-2 text-[12px]"
              aria-label="Run in N workspaces"
              title="Run this prompt in several new workspaces at once, then compare them"
              onClick={() => openOverlay({ kind: "best-of", workspaceId, prompt: text.trim(), settings })}
            >
              ×N <span className="max-sm:sr-only">Run in N</span>
            </button>
            <button
              type="button"
              data-testid="send-button"
              className="btn btn-primary px-2"
              disabled={!text.trim() && !comments.length}
              title={running ? "Queue message (Enter)" : "Send (Enter)"}
              onClick={send}
            >
              <SendIcon /> <span className="max-sm:sr-only">{running ? "Queue" : "Send"}</span>
            </button>
          </div>
        </div>
      </div>
    </div>
  );
});
