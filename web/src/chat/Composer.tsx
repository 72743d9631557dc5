import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { agentPatch } from "./AgentPicker";
import type { ImageAttachment } from "../../../src/api/images";
import { IMAGE_MEDIA_TYPES } from "../../../src/providers/images";
import { modelChoicesStore } from "../state/models";
import { AttachedImages } from "./AttachedImages";
import { ComposerOptions, otherMode } from "./ComposerOptions";
import { imageFiles } from "./images";
import { attachment, useImageAttachments } from "./useImageAttachments";
import { ModelPicker } from "./ModelPicker";
import { useAgents } from "./useAgents";
import { matchSlashCommands, parseSlashCommand, type SlashCommandSpec } from "../../../src/session/slashCommands";
import { ContextMeter } from "./ContextMeter";
import { SlashMenu } from "./SlashMenu";
import type { ChatSettings } from "./settings";
import { ImageIcon, SendIcon, StopIcon } from "./ui";
import { useStore } from "../state/store";
import { composerFocused, openOverlay, uiStore } from "../state/ui";
import { workspacesStore } from "../state/workspaces";
import { CommentChips } from "../review/CommentChips";
import { takeComments, useComments, withComments } from "../review/comments";

interface Props {
  workspaceId: string;
  running: boolean;
  settings: ChatSettings;
  onSettings: (patch: Partial<ChatSettings>) => void;
  onSend: (text: string, images?: ImageAttachment[]) => Promise<unknown>;
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
  const [dragging, setDragging] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  // The model that will answer, as the picker knows it: whether it takes images, and how large.
  const choices = useStore(modelChoicesStore, (s) => s);
  const modelName = settings.model ?? choices?.defaultModel;
  const model = choices?.models.find((m) => m.id === modelName || m.aliases.includes(modelName ?? ""));
  const { images, setImages, attach: attachFiles, attachError, setAttachError } = useImageAttachments(workspaceId, model?.images);
  const blind = images.length > 0 && model?.images === null ? `${model.id} does not take images: pick a model that does, or remove them` : null;
  // Review comments go with the next message, after its text.
  const comments = useComments(workspaceId);
  const agentList = useAgents(workspaceId);
  const agents = agentList[0];
  // The Exec/Plan switch until the project or the user has agents of their own (or the workspace runs one).
  const ownAgents =
    Boolean(settings.agent && settings.agent !== settings.mode) || agents.problems.length > 0 || agents.agents.some((a) => a.scope !== "built-in");

  // Ctrl+Shift+M (⌘⇧M) moves to the next agent (Exec ↔ Plan without agent files), as in the original.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || !e.shiftKey || e.altKey || e.key.toLowerCase() !== "m") return;
      // Once per press, by the composer on screen (kept-alive chats of other workspaces are hidden).
      if (e.defaultPrevented || e.repeat || !area.current?.offsetParent) return;
      e.preventDefault();
      const at = agents.agents.findIndex((a) => a.id === (settings.agent ?? settings.mode));
      const next = agents.agents[(at + 1) % agents.agents.length];
      onSettings(next && ownAgents ? agentPatch(next) : otherMode(settings));
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [agents, ownAgents, settings, onSettings]);

  useEffect(() => {
    drafts.set(workspaceId, text);
  }, [workspaceId, text]);

  /** Pasted, dropped or picked files: attached, and the caret back in the box. */
  const attach = async (files: File[]) => {
    await attachFiles(files);
    area.current?.focus();
  };

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
    if (!value && !comments.length && !images.length) return;
    // Refused here as the server would (unknown command, missing argument): nothing is sent.
    const parsed = parseSlashCommand(value);
    if (blind || parsed.kind === "refused") {
      setError(blind ?? (parsed.kind === "refused" ? parsed.message : null));
      return;
    }
    const taken = takeComments(workspaceId);
    const sent = images;
    setText("");
    setImages([]);
    setError(null);
    setAttachError(null);
    onSend(withComments(value, taken.comments), sent.length ? sent.map(attachment) : undefined).catch((err: unknown) => {
      setError(err instanceof Error ? err.message : String(err));
      setText((t) => (t ? t : value));
      setImages((list) => (list.length ? list : sent));
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
        {(attachError || blind) && (
          <div className="mb-1 text-[12px] text-err" role="alert" data-testid="attach-error">
            {attachError ? `Not attached: ${attachError}` : blind}
          </div>
        )}
        <CommentChips workspaceId={workspaceId} comments={comments} />
        <div
          className={`relative rounded-lg border bg-panel focus-within:border-accent ${dragging ? "border-accent border-dashed" : "border-line"}`}
          data-testid="composer"
          onDragOver={(e) => {
            if (!e.dataTransfer.types.includes("Files")) return;
            e.preventDefault();
            e.dataTransfer.dropEffect = "copy";
            setDragging(true);
          }}
          onDragLeave={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
          }}
          onDrop={(e) => {
            setDragging(false);
            const files = imageFiles(e.dataTransfer.files);
            if (!e.dataTransfer.files.length) return;
            e.preventDefault();
            if (files.length) void attach(files);
            else setAttachError("only PNG, JPEG, WebP and GIF images can be attached");
          }}
        >
          <AttachedImages images={images} onRemove={(id) => setImages((list) => list.filter((i) => i.id !== id))} />
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
            onPaste={(e) => {
              const files = imageFiles(e.clipboardData.files);
              if (!files.length) return;
              e.preventDefault();
              void attach(files);
            }}
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
            <input
              ref={picker}
              type="file"
              accept={IMAGE_MEDIA_TYPES.join(",")}
              multiple
              hidden
              data-testid="image-input"
              onChange={(e) => {
                void attach(imageFiles(e.target.files));
                e.target.value = "";
              }}
            />
            <ModelPicker value={settings.model} onChange={(model) => onSettings({ model })} />
            <ComposerOptions settings={settings} onSettings={onSettings} agents={agentList} ownAgents={ownAgents} />
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
              data-testid="attach-button"
              className="btn px-1.5 text-[12px]"
              aria-label="Attach images"
              title="Attach images (or paste or drop them here)"
              onClick={() => picker.current?.click()}
            >
              <ImageIcon />
            </button>
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
              disabled={!text.trim() && !comments.length && !images.length}
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
