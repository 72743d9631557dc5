import { FitAddon } from "@xterm/addon-fit";
import { WebLinksAddon } from "@xterm/addon-web-links";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { ExtraKeys, withCtrl } from "./ExtraKeys";
import { TerminalSocket, type TerminalSocketStatus } from "./socket";

const COARSE = "(pointer: coarse)";
const onCoarseChange = (cb: () => void) => {
  const q = window.matchMedia(COARSE);
  q.addEventListener("change", cb);
  return () => q.removeEventListener("change", cb);
};
/** A touch screen (a phone, a tablet): the keyboard there has no Esc, Tab, Ctrl or arrows. */
const useCoarsePointer = () => useSyncExternalStore(onCoarseChange, () => window.matchMedia(COARSE).matches);

/** One terminal on the screen: xterm.js fed by the terminal's socket, sized to its box. */
export function TerminalView({ terminalId, active }: { terminalId: string; active: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<TerminalSocketStatus>("connecting");
  const [exit, setExit] = useState<string | null>(null);
  const termRef = useRef<Terminal | null>(null);
  const socketRef = useRef<TerminalSocket | null>(null);
  // The extra keys' Ctrl: applies to the next key typed (on a phone, Ctrl+C is Ctrl then c).
  const [ctrl, setCtrl] = useState(false);
  const ctrlRef = useRef(false);
  ctrlRef.current = ctrl;
  const touch = useCoarsePointer();

  useEffect(() => {
    const el = box.current!;
    const term = new Terminal({
      fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      fontSize: 13,
      scrollback: 5000,
      cursorBlink: true,
      theme: { background: "#0b0d10" },
    });
    termRef.current = term;
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.loadAddon(new WebLinksAddon((_e, uri) => window.open(uri, "_blank", "noopener,noreferrer")));
    term.open(el);
    // Ctrl+Shift+C copies the selection; Ctrl+Shift+V is left to the browser, whose paste event
    // xterm turns into input. Plain Ctrl+C stays an interrupt for the shell.
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== "keydown" || !e.ctrlKey || !e.shiftKey) return true;
      const key = e.key.toLowerCase();
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
        output: (data, drawn) => term.write(data, drawn),
        reset: () => term.reset(),
        exit: (code, signal) => setExit(signal ? `signal ${signal}` : `code ${code}`),
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

  return (
    <div
      className={`relative min-h-0 flex-1 flex-col ${active ? "flex" : "hidden"}`}
      data-testid="terminal-view"
      data-terminal-id={terminalId}
      data-status={status}
    >
      <div ref={box} className="min-h-0 min-w-0 flex-1 bg-[#0b0d10] p-1" data-mux-terminal="" />
      {touch && (
        <ExtraKeys
          ctrl={ctrl}
          setCtrl={setCtrl}
          send={(d) => {
            socketRef.current?.input(d);
            termRef.current?.focus();
          }}
        />
      )}
      {(status === "reconnecting" || status === "closed" || exit) && (
        <div className="pointer-events-none absolute top-1 right-2 rounded bg-bg/80 px-2 py-0.5 text-xs text-muted" data-testid="terminal-status">
          {exit ? `exited (${exit})` : status === "closed" ? "closed" : "reconnecting…"}
        </div>
      )}
    </div>
  );
}
