import { FitAddon } from "@xterm/addon-fit";
import { SearchAddon } from "@xterm/addon-search";
import { WebLinksAddon } from "@xterm/addon-web-links";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { ExtraKeys, withCtrl } from "./ExtraKeys";
import { FindBar } from "./FindBar";
import { TerminalSocket, type TerminalSocketStatus } from "./socket";

/** Bytes per write into xterm (see the socket's output handler). */
const WRITE_SLICE = 8 * 1024;
const COARSE = "(pointer: coarse)";
const onCoarseChange = (cb: () => void) => {
  const q = window.matchMedia(COARSE);
  q.addEventListener("change", cb);
  return () => q.removeEventListener("change", cb);
};
/** A touch screen (a phone, a tablet): the keyboard there has no Esc, Tab, Ctrl or arrows. */
const useCoarsePointer = () => useSyncExternalStore(onCoarseChange, () => window.matchMedia(COARSE).matches);

/**
 * One terminal on the screen: xterm.js fed by the terminal's socket, sized to its box.
 * `findRequests` counts asks to open the find bar (the panel's button); Ctrl+Shift+F does it too.
 */
export function TerminalView({
  terminalId,
  active,
  findRequests,
  onExit,
}: {
  terminalId: string;
  active: boolean;
  findRequests: number;
  onExit: (exit: { code: number | null; signal: number | null }) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<TerminalSocketStatus>("connecting");
  const [exit, setExit] = useState<string | null>(null);
  const termRef = useRef<Terminal | null>(null);
  const socketRef = useRef<TerminalSocket | null>(null);
  const [search, setSearch] = useState<SearchAddon | null>(null);
  const [finding, setFinding] = useState(false);
  // The extra keys' Ctrl: applies to the next key typed (on a phone, Ctrl+C is Ctrl then c).
  const [ctrl, setCtrl] = useState(false);
  const ctrlRef = useRef(false);
  ctrlRef.current = ctrl;
  const touch = useCoarsePointer();
  const exited = useRef(onExit);
  exited.current = onExit;

  useEffect(() => {
    const el = box.current!;
    const term = new Terminal({
      fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      fontSize: 13,
      scrollback: 5000,
      // A steady cursor: xterm blinks it with a CSS animation of its colour, which makes the page
      // run its rendering on the main thread every frame (~50 a second, a quarter of a core under
      // load) while the terminal has the keyboard; keystrokes' echoes then wait behind that work.
      cursorBlink: false,
      theme: { background: "#0b0d10" },
      // The search addon's match highlights are decorations, still a proposed API.
      allowProposedApi: true,
    });
    termRef.current = term;
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.loadAddon(new WebLinksAddon((_e, uri) => window.open(uri, "_blank", "noopener,noreferrer")));
    const searchAddon = new SearchAddon();
    term.loadAddon(searchAddon);
    setSearch(searchAddon);
    term.open(el);
    // Ctrl+Shift+C copies the selection; Ctrl+Shift+V is left to the browser, whose paste event
    // xterm turns into input; Ctrl+Shift+F finds. Plain Ctrl+C stays an interrupt for the shell.
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== "keydown" || !e.ctrlKey || !e.shiftKey) return true;
      const key = e.key.toLowerCase();
      if (key === "f") {
        e.preventDefault();
        setFinding(true);
        return false;
      }
      if (key === "c") {
        const text = term.getSelection();
        if (text) void navigator.clipboard?.writeText(text).catch(() => {});
        return false;
      }
      return key !== "v";
    });
    const safeFit = () => {
      if (el.offsetWidth && el.offsetHeight) fit.fit();
    };
    safeFit();
    const socket = new TerminalSocket(
      terminalId,
      {
        output: (data, drawn) => {
          // xterm parses one write at a time and yields between writes once ~12 ms have passed:
          // a big frame (a flood, a replayed scrollback) goes in slices so no task runs long.
          for (let at = 0; at < data.length; at += WRITE_SLICE) {
            const end = Math.min(at + WRITE_SLICE, data.length);
            term.write(data.subarray(at, end), end === data.length ? drawn : undefined);
          }
        },
        reset: () => term.reset(),
        exit: (code, signal) => {
          setExit(signal ? `signal ${signal}` : `code ${code}`);
          exited.current({ code, signal });
        },
        status: setStatus,
      },
      () => ({ cols: term.cols, rows: term.rows }),
    );
    socketRef.current = socket;
    term.onData((d) => {
      if (!ctrlRef.current) return socket.input(d);
      setCtrl(false);
      socket.input(withCtrl(d));
    });
    term.onBinary((d) => socket.input(d));
    term.onResize(({ cols, rows }) => socket.resize(cols, rows));
    const observer = new ResizeObserver(() => safeFit());
    observer.observe(el);
    return () => {
      setSearch(null);
      observer.disconnect();
      socket.dispose();
      socketRef.current = null;
      term.dispose();
      termRef.current = null;
    };
  }, [terminalId]);

  useEffect(() => {
    if (active) termRef.current?.focus();
  }, [active]);

  // Only a new ask opens the bar, in the terminal shown then (not one shown later).
  const findSeen = useRef(findRequests);
  useEffect(() => {
    if (findRequests === findSeen.current) return;
    findSeen.current = findRequests;
    if (active) setFinding(true);
  }, [active, findRequests]);

  const closeFind = () => {
    setFinding(false);
    termRef.current?.focus();
  };

  return (
    <div
      className={`relative min-h-0 flex-1 flex-col ${active ? "flex" : "hidden"}`}
      data-testid="terminal-view"
      data-terminal-id={terminalId}
      data-status={status}
    >
      {/* Contained: redrawing the rows (every frame during a flood) lays out and paints only this box. */}
      <div ref={box} className="min-h-0 min-w-0 flex-1 bg-[#0b0d10] p-1 [contain:strict]" data-mux-terminal="" />
      {touch && active && (
        <ExtraKeys
          ctrl={ctrl}
          setCtrl={setCtrl}
          send={(d) => {
            socketRef.current?.input(d);
            termRef.current?.focus();
          }}
        />
      )}
      {finding && search && <FindBar search={search} close={closeFind} />}
      {(status === "reconnecting" || status === "closed" || exit) && (
        <div
          className={`pointer-events-none absolute right-2 rounded ${finding ? "top-9" : "top-1"} bg-bg/80 px-2 py-0.5 text-xs text-muted`}
          data-testid="terminal-status"
        >
          {exit ? `exited (${exit})` : status === "closed" ? "closed" : "reconnecting…"}
        </div>
      )}
    </div>
  );
}
