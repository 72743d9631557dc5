import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TERMINAL_CLOSED_CODE } from "../../src/api/terminal.js";
import { commitScripts, makeRepo } from "../helpers/git.js";
import { tempDirs } from "../helpers/mux.js";
import { pinnedProcess, waitFor } from "../helpers/processes.js";
import { type Connection, connect, type ServerProcess, startServer, TEST_TOKEN, upgradeStatus } from "../helpers/server.js";
import { startSshd } from "../helpers/sshd.js";
import { FRAME_BYTES, HIGH_WATER } from "../../src/terminal/terminal.js";
import { attachTerminal } from "../helpers/terminal.js";

/** Terminals of the real `mux server`: a real shell on a pty, its socket, its end. */

const SECRET = "sk-terminal-test-secret-123456";

describe("mux server: terminals", () => {
  let dirs: ReturnType<typeof tempDirs>;
  let server: ServerProcess;
  let conn: Connection;
  let repo: string;
  beforeEach(async () => {
    dirs = tempDirs();
    repo = makeRepo(path.join(dirs.base, "repo"));
    // A known shell with no rc files of the person running the tests.
    const home = path.join(dirs.base, "home");
    fs.mkdirSync(home);
    server = await startServer({ muxRoot: dirs.muxRoot, env: { SHELL: "/bin/bash", HOME: home, OPENAI_API_KEY: SECRET } });
    conn = await connect(server);
  });
  afterEach(async () => {
    conn?.close();
    await server?.stop();
    dirs.cleanup();
  });

  const newTerminal = async () => {
    const ws = await conn.api.workspaces.create({ projectPath: repo, name: "term" });
    const t = await conn.api.terminal.create({ workspaceId: ws.id, cols: 100, rows: 30 });
    return { ws, t };
  };

  it("runs the user's shell in the workspace's directory, with the workspace's variables and none of Mux's secrets", async () => {
    const { ws, t } = await newTerminal();
    expect(t).toMatchObject({ workspaceId: ws.id, name: "Terminal 1", exit: null });
    const term = await attachTerminal(server, t.id);
    expect(term.frames[0]).toMatchObject({ type: "attached", reset: true, offset: 0 });
    term.send('echo "cwd=$(pwd) tty=$(tty) term=$TERM ws=$MUX_WORKSPACE_NAME rt=$MUX_RUNTIME key=${OPENAI_API_KEY:-none}"\r');
    const m = await term.waitForText(/cwd=(\/\S+) tty=(\/\S+) term=([\w-]+) ws=([\w-]+) rt=([\w-]+) key=([\w-]+)/);
    const wsPath = ws.runtime.type === "worktree" ? ws.runtime.path : "";
    expect(fs.realpathSync(m[1])).toBe(fs.realpathSync(wsPath));
    expect(m[2]).toMatch(/^\/dev\/pts\//);
    expect(m.slice(3)).toEqual(["xterm-256color", "term", "worktree", "none"]);
    // Several per workspace, listed, renamed, closed.
    const t2 = await conn.api.terminal.create({ workspaceId: ws.id, cols: 80, rows: 24 });
    expect(t2.name).toBe("Terminal 2");
    await conn.api.terminal.rename({ terminalId: t2.id, name: "server" });
    expect((await conn.api.terminal.list({ workspaceId: ws.id })).map((x) => x.name)).toEqual(["Terminal 1", "server"]);
    const other = await attachTerminal(server, t2.id);
    await conn.api.terminal.close({ terminalId: t2.id });
    expect(await other.closed).toBe(TERMINAL_CLOSED_CODE);
    expect((await conn.api.terminal.list({ workspaceId: ws.id })).map((x) => x.id)).toEqual([t.id]);
    term.close();
  });

  it("lists the project's executable scripts and runs one in a new terminal in the workspace", async () => {
    commitScripts(repo);
    const { ws } = await newTerminal();
    expect(await conn.api.terminal.scripts({ workspaceId: ws.id })).toEqual({ scripts: [{ name: "dev" }, { name: "hello" }] });
    const t = await conn.api.terminal.create({ workspaceId: ws.id, script: "hello", cols: 100, rows: 30 });
    expect(t.name).toBe("hello");
    const term = await attachTerminal(server, t.id);
    const m = await term.waitForText(/script-hello in (\/\S+) as term: 42/);
    expect(fs.realpathSync(m[1])).toBe(fs.realpathSync(ws.runtime.type === "worktree" ? ws.runtime.path : ""));
    // The script ends, and so does the terminal's process; the terminal stays listed with its output.
    await expect.poll(async () => (await conn.api.terminal.list({ workspaceId: ws.id })).find((x) => x.id === t.id)?.exit?.code, { timeout: 10_000 }).toBe(0);
    term.close();
    // Only names of executables there: no paths, no other files.
    await expect(conn.api.terminal.create({ workspaceId: ws.id, script: "notes.txt", cols: 80, rows: 24 })).rejects.toThrow(/no executable script/);
    await expect(conn.api.terminal.create({ workspaceId: ws.id, script: "../../bin/sh", cols: 80, rows: 24 })).rejects.toThrow();
  });

  it("keeps the shell running with no page attached, and replays its output on reattach", async () => {
    const { t } = await newTerminal();
    const first = await attachTerminal(server, t.id);
    first.send("echo one-$((40+2))\r");
    await first.waitForText("one-42");
    const seen = first.offset();
    first.close();
    await first.closed;
    // Output produced while nobody watched is kept.
    const probe = await attachTerminal(server, t.id);
    probe.close();
    const again = await attachTerminal(server, t.id);
    again.send("echo two-$((40+3))\r");
    await again.waitForText("two-43");
    expect(again.frames[0]).toMatchObject({ type: "attached", reset: true, offset: 0 });
    expect(again.text()).toContain("one-42");
    again.close();
    // A client that says how far it got gets only the rest, with no reset.
    const resumed = await attachTerminal(server, t.id, { from: seen });
    await resumed.waitForText("two-43");
    expect(resumed.frames[0]).toMatchObject({ type: "attached", reset: false, offset: seen });
    expect(resumed.text()).not.toContain("one-42");
    resumed.close();
  });

  it("a flood is held back by a page that stops reading, and Ctrl+C stops it promptly", async () => {
    const { t } = await newTerminal();
    const stalled = await attachTerminal(server, t.id, { ack: false });
    const term = await attachTerminal(server, t.id);
    term.send("yes flood-line\r");
    await term.waitForText("flood-line\r\nflood-line\r\n");
    // The page that acknowledges nothing holds the pty back: what it was sent stays bounded
    // (the high-water mark plus what was in flight), however long `yes` runs.
    await new Promise((r) => setTimeout(r, 500));
    const held = stalled.bytes();
    expect(held).toBeLessThan(HIGH_WATER + 1024 * 1024);
    stalled.close();
    await stalled.closed;
    await waitFor(() => term.bytes() > 2 * 1024 * 1024, "the flood to flow once the stalled page is gone");
    term.send("\x03");
    await term.retypeUntil("echo after-$((6*7))\r", "after-42");
    term.close();
  });

  it("a flood reaches the page in few large frames, while a keystroke's echo still comes on its own", async () => {
    const { t } = await newTerminal();
    const term = await attachTerminal(server, t.id);
    term.send("echo ready-$((1+1))\r");
    await term.waitForText("ready-2");
    const frames: number[] = [];
    term.socket.on("message", (data: Buffer, isBinary: boolean) => {
      if (isBinary) frames.push(data.length);
    });
    const size = 4 * 1024 * 1024;
    term.send(`yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c ${size}; echo; echo flood-done-$((6*7))\r`);
    await term.waitForText("flood-done-42", 60_000);
    const bytes = frames.reduce((a, b) => a + b, 0);
    expect(bytes).toBeGreaterThan(size);
    // The pty gives ~4 KB a read: sent as read, this was over 1,000 messages.
    expect(frames.length).toBeLessThan(size / (32 * 1024));
    expect(Math.max(...frames)).toBeLessThanOrEqual(FRAME_BYTES + 64 * 1024);
    // After a quiet moment, a key's echo is a frame of its own (nothing waits to be gathered).
    await new Promise((r) => setTimeout(r, 200));
    frames.length = 0;
    term.send("q");
    await waitFor(() => frames.length > 0, "the echo");
    expect(frames).toEqual([1]);
    term.close();
  });

  const shellPids = async (terminalId: string) => {
    const term = await attachTerminal(server, terminalId);
    term.send("sleep 1000 & echo bg=$! sh=$$\r");
    const m = await term.waitForText(/bg=(\d+) sh=(\d+)/);
    term.close();
    const alive = [pinnedProcess(Number(m[1])), pinnedProcess(Number(m[2]))];
    for (const isAlive of alive) expect(isAlive()).toBe(true);
    return alive;
  };

  it("deleting the workspace ends its shells and what they started", async () => {
    const { ws, t } = await newTerminal();
    const alive = await shellPids(t.id);
    await conn.api.workspaces.delete({ workspaceId: ws.id, force: true });
    await waitFor(() => alive.every((isAlive) => !isAlive()), "the shell and its background job to end");
  });

  it("stopping the server ends every shell and what they started", async () => {
    const { t } = await newTerminal();
    const alive = await shellPids(t.id);
    await server.stop();
    await waitFor(() => alive.every((isAlive) => !isAlive()), "the shell and its background job to end");
  });

  it("a server killed with -9 still leaves no shell behind: the pty's hangup ends it and its jobs", async () => {
    const { t } = await newTerminal();
    const alive = await shellPids(t.id);
    await server.kill();
    await waitFor(() => alive.every((isAlive) => !isAlive()), "the shell and its background job to end");
  });

  it("every terminal route refuses without the token, from another origin, or an unknown terminal", async () => {
    const { t } = await newTerminal();
    const p = `api/terminal/${t.id}`;
    expect(await upgradeStatus(server, {}, p)).toBe(401);
    expect(await upgradeStatus(server, { authorization: "Bearer wrong" }, p)).toBe(401);
    expect(await upgradeStatus(server, { cookie: `mux_session_${server.port}=${TEST_TOKEN}` }, p)).toBe(401);
    expect(await upgradeStatus(server, { authorization: `Bearer ${TEST_TOKEN}`, origin: "http://evil.example" }, p)).toBe(403);
    // The list/create/rename/close calls travel on the API socket, which refuses the same way.
    expect(await upgradeStatus(server, {}, "api/ws")).toBe(401);
    expect(await upgradeStatus(server, { authorization: `Bearer ${TEST_TOKEN}` }, p)).toBe(101);
    const unknown = await attachTerminal(server, "nope");
    expect(await unknown.closed).toBe(TERMINAL_CLOSED_CODE);
  });
});

describe("mux server --no-auth: terminals", () => {
  it("answer only to localhost names, like every other route", async () => {
    const dirs = tempDirs();
    const server = await startServer({ muxRoot: dirs.muxRoot, token: null });
    try {
      expect(await upgradeStatus(server, { host: "evil.example" }, "api/terminal/abc")).toBe(403);
      expect(await upgradeStatus(server, { host: `127.0.0.1:${server.port}`, origin: "http://evil.example" }, "api/terminal/abc")).toBe(403);
      expect(await upgradeStatus(server, {}, "api/terminal/abc")).toBe(101);
    } finally {
      await server.stop();
      dirs.cleanup();
    }
  });
});

describe.skipIf(!fs.existsSync("/usr/sbin/sshd"))("mux server: terminals of SSH workspaces", () => {
  it("run the host's login shell in the remote worktree over the shared connection, and end with the terminal", { timeout: 120_000 }, async () => {
    const sshd = await startSshd();
    const dirs = tempDirs();
    const repo = makeRepo(path.join(dirs.base, "repo"));
    commitScripts(repo);
    const remoteRoot = path.join(dirs.base, "remote-home", "mux");
    const server = await startServer({ muxRoot: dirs.muxRoot, env: { MUX_SSH_CONFIG: sshd.configFile, MUX_SSH_REMOTE_ROOT: remoteRoot } });
    const conn = await connect(server);
    try {
      const ws = await conn.api.workspaces.create({ projectPath: repo, name: "remote", runtime: { type: "ssh", host: sshd.host } });
      const t = await conn.api.terminal.create({ workspaceId: ws.id, cols: 100, rows: 30 });
      const term = await attachTerminal(server, t.id);
      term.send('echo "cwd=$(pwd) rt=$MUX_RUNTIME term=$TERM sh=$$"\r');
      const m = await term.waitForText(/cwd=(\/\S+) rt=([\w-]+) term=([\w-]+) sh=(\d+)/);
      expect(m[1]).toBe(path.join(remoteRoot, "repo", "remote"));
      expect(m.slice(2, 4)).toEqual(["ssh", "xterm-256color"]);
      // The "remote" host is this machine: its shell's pid is visible here.
      const remoteShellAlive = pinnedProcess(Number(m[4]));
      expect(remoteShellAlive()).toBe(true);
      await conn.api.terminal.close({ terminalId: t.id });
      await waitFor(() => !remoteShellAlive(), "the remote shell to end");
      // The project's scripts, as the remote worktree has them, run there.
      expect((await conn.api.terminal.scripts({ workspaceId: ws.id })).scripts.map((x) => x.name)).toEqual(["dev", "hello"]);
      const script = await conn.api.terminal.create({ workspaceId: ws.id, script: "dev", cols: 100, rows: 30 });
      const out = await attachTerminal(server, script.id);
      await out.waitForText(`script-dev in ${path.join(remoteRoot, "repo", "remote")} as remote: 42`);
      out.close();
    } finally {
      conn.close();
      await server.stop();
      await sshd.stop();
      dirs.cleanup();
    }
  });
});
