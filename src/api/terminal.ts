import { oc } from "@orpc/contract";
import { z } from "zod";

/**
 * Terminals in a workspace. Listing, creating, renaming and closing go through the API socket
 * (this contract); the byte stream of one terminal has its own WebSocket, `api/terminal/<id>`
 * (see TerminalFrame below), so a flood of output never queues behind (or in front of) the chat,
 * travels as binary frames instead of JSON strings, and is flow-controlled per terminal.
 */
export const TerminalInfoSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  createdAt: z.number(),
  /** Set once the shell exited; the terminal stays listed (with its output) until closed. */
  exit: z.object({ code: z.number().nullable(), signal: z.number().nullable() }).nullable(),
});
export type TerminalInfo = z.infer<typeof TerminalInfoSchema>;

const size = { cols: z.number().int().min(2).max(1000), rows: z.number().int().min(1).max(500) };
const terminalId = z.object({ terminalId: z.string().min(1) });
/** A script's name: a plain file name in the project's `.mux/scripts/` (no path, no leading dot). */
export const SCRIPT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const ScriptNameSchema = z.string().regex(SCRIPT_NAME, "a file name in .mux/scripts/");

export const terminalContract = {
  list: oc.input(z.object({ workspaceId: z.string() })).output(z.array(TerminalInfoSchema)),
  /** Starts the user's shell in the workspace's directory, or (`script`) one of the project's scripts there. */
  create: oc
    .input(z.object({ workspaceId: z.string(), name: z.string().trim().min(1).max(100).optional(), script: ScriptNameSchema.optional(), ...size }))
    .output(TerminalInfoSchema),
  /** The project's scripts: executables in `.mux/scripts/` of the workspace's directory, by name. */
  scripts: oc.input(z.object({ workspaceId: z.string() })).output(z.object({ scripts: z.array(z.object({ name: ScriptNameSchema })) })),
  rename: oc.input(terminalId.extend({ name: z.string().trim().min(1).max(100) })).output(TerminalInfoSchema),
  /** Ends the shell and everything it started. */
  close: oc.input(terminalId).output(z.object({ ok: z.literal(true) })),
};

/** What the browser sends on a terminal's socket (text frames, JSON). */
export const TerminalClientFrameSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("input"), data: z.string().max(1024 * 1024) }),
  z.object({ type: z.literal("resize"), ...size }),
  /** The client has processed output up to this offset (flow control: see terminal.ts). */
  z.object({ type: z.literal("ack"), offset: z.number().int().nonnegative() }),
]);
export type TerminalClientFrame = z.infer<typeof TerminalClientFrameSchema>;

/**
 * What the server sends as text frames (JSON); output itself comes as binary frames. The first
 * frame is always `attached`: output follows from `offset` (a byte count since the terminal
 * started), and `reset` says the client must clear its screen first (the bytes it had are not
 * continued: a new page, or too much was missed).
 */
export const TerminalServerFrameSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("attached"), offset: z.number(), reset: z.boolean(), terminal: TerminalInfoSchema }),
  z.object({ type: z.literal("exit"), code: z.number().nullable(), signal: z.number().nullable() }),
]);
export type TerminalServerFrame = z.infer<typeof TerminalServerFrameSchema>;

/** Close codes of a terminal socket (the 4000s are the application's). */
export const TERMINAL_CLOSED_CODE = 4404;
/** The client fell too far behind for too long; it reconnects and gets the scrollback again. */
export const TERMINAL_TOO_SLOW_CODE = 4408;
