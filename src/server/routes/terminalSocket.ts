import type { RawData, WebSocket } from "ws";
import { TERMINAL_CLOSED_CODE, TERMINAL_TOO_SLOW_CODE, TerminalClientFrameSchema, type TerminalServerFrame } from "../../api/terminal.js";
import type { TerminalService } from "../../terminal/service.js";

/**
 * One terminal's byte stream on its own WebSocket (`api/terminal/<id>?from=<offset>`), already
 * authenticated like the API socket. Output goes out as binary frames, exactly the pty's bytes
 * (no redaction: it is the user's own shell, and cutting bytes out would corrupt the screen);
 * control frames are JSON text. What the browser sends is validated before it reaches the pty.
 */
export function attachTerminalSocket(ws: WebSocket, terminals: TerminalService, terminalId: string, from: number | undefined): void {
  let terminal: ReturnType<TerminalService["get"]>;
  try {
    terminal = terminals.get(terminalId);
  } catch (err) {
    ws.close(TERMINAL_CLOSED_CODE, (err as Error).message.slice(0, 120));
    return;
  }
  const attachment = terminal.attach(
    {
      output: (data) => ws.send(data, { binary: true }),
      control: (frame: TerminalServerFrame) => ws.send(JSON.stringify(frame)),
      drop: (why) => (why === "slow" ? ws.close(TERMINAL_TOO_SLOW_CODE, "too far behind") : ws.close(TERMINAL_CLOSED_CODE, "terminal closed")),
    },
    from,
  );
  ws.on("message", (raw: RawData, isBinary: boolean) => {
    if (isBinary) return;
    let frame: ReturnType<typeof TerminalClientFrameSchema.safeParse>;
    try {
      frame = TerminalClientFrameSchema.safeParse(JSON.parse(raw.toString()));
    } catch {
      return;
    }
    if (!frame.success) return;
    const f = frame.data;
    if (f.type === "input") attachment.input(f.data);
    else if (f.type === "resize") attachment.resize(f.cols, f.rows);
    else attachment.ack(f.offset);
  });
  ws.once("close", () => attachment.detach());
}
