/** Keys a phone's keyboard lacks, sent as the terminal's bytes. Ctrl applies to the next key typed. */
const KEYS: { label: string; title: string; data: string }[] = [
  { label: "Esc", title: "Escape", data: "\x1b" },
  { label: "Tab", title: "Tab", data: "\t" },
  { label: "←", title: "Left", data: "\x1b[D" },
  { label: "↑", title: "Up", data: "\x1b[A" },
  { label: "↓", title: "Down", data: "\x1b[B" },
  { label: "→", title: "Right", data: "\x1b[C" },
  { label: "|", title: "Pipe", data: "|" },
  { label: "~", title: "Tilde", data: "~" },
  { label: "/", title: "Slash", data: "/" },
];

/** Ctrl+<key>: letters and a few symbols map to control codes (Ctrl+C is 0x03). */
export function withCtrl(data: string): string {
  if (data.length !== 1) return data;
  const code = data.toUpperCase().charCodeAt(0);
  return code >= 0x40 && code <= 0x5f ? String.fromCharCode(code & 0x1f) : data;
}

/**
 * The row of extra keys under the terminal on touch screens. Buttons never take the focus, so
 * the on-screen keyboard stays up.
 */
export function ExtraKeys({ send, ctrl, setCtrl }: { send: (data: string) => void; ctrl: boolean; setCtrl: (on: boolean) => void }) {
  const keep = (e: React.PointerEvent | React.MouseEvent) => e.preventDefault();
  return (
    <div className="flex shrink-0 gap-1 overflow-x-auto border-t border-line bg-panel p-1" data-testid="terminal-extra-keys">
      <button
        type="button"
        tabIndex={-1}
        aria-pressed={ctrl}
        data-testid="terminal-key-Ctrl"
        className={`btn min-w-10 px-2 py-1 font-mono text-xs ${ctrl ? "bg-accent text-accent-fg" : ""}`}
        onPointerDown={keep}
        onMouseDown={keep}
        onClick={() => setCtrl(!ctrl)}
      >
        Ctrl
      </button>
      {KEYS.map((k) => (
        <button
          key={k.title}
          type="button"
          tabIndex={-1}
          title={k.title}
          aria-label={k.title}
          data-testid={`terminal-key-${k.title}`}
          className="btn min-w-9 px-2 py-1 font-mono text-xs"
          onPointerDown={keep}
          onMouseDown={keep}
          onClick={() => {
            send(ctrl ? withCtrl(k.data) : k.data);
            if (ctrl) setCtrl(false);
          }}
        >
          {k.label}
        </button>
      ))}
    </div>
  );
}
