import type { ChildProcess } from "node:child_process";
import { StringDecoder } from "node:string_decoder";
import { errnoError, type RawExecOptions } from "./remoteShell.js";
import type { ExecResult } from "./types.js";

/**
 * A long-lived command server inside a container (perl, which Debian-based images always have):
 * one `docker exec` carries every command as frames, so a command costs a fork there instead of
 * a docker client, an API round trip and a runc exec.
 *
 * Frames both ways are: type (1 byte), command id (u32 BE), length (u32 BE), payload.
 *   to it:   R run (payload: "0"/"1" has-stdin, cwd, NUL, script), I stdin bytes (empty = end), K kill
 *   from it: H hello (its pid), P started (process group), O stdout, E stderr,
 *            X ended ("exit:N", "killed", or "err:CODE:what" when it never started)
 *
 * Each command runs as `bash -c` in a process group of its own, the script in a subshell whose
 * status goes back on a pipe of its own, as the ssh wrapper does: a background job holding
 * stdout open cannot delay the end, and what the script wrote before it ended is read first.
 * When Mux goes away (its end of the pipe closes), the commands still running are killed.
 */
export const COMMAND_SERVER = String.raw`
use strict; use POSIX (); use Fcntl; use IO::Select;
$SIG{PIPE} = 'IGNORE';
my $WRAP = '__mux_s=$1; ( exec 3>&-; set --; eval "$__mux_s" ); printf %s $? >&3';
my (%c, %fh); my $in = ''; my $stdin = \*STDIN;
my $rs = IO::Select->new($stdin); my $ws = IO::Select->new;
sub bye { kill 'KILL', -$_->{pid} for values %c; POSIX::_exit(0) }
sub out { my $b = pack('aNN', $_[0], $_[1], length $_[2]) . $_[2];
  while (length $b) { my $n = syswrite STDOUT, $b; if (!defined $n) { next if $!{EINTR}; bye() } substr($b, 0, $n) = '' } }
sub nb { my $f = shift; fcntl($f, F_SETFL, fcntl($f, F_GETFL, 0) | O_NONBLOCK) }
sub drop { my ($x, $k) = @_; my $f = delete $x->{$k} or return; $rs->remove($f); $ws->remove($f); delete $fh{$f}; close $f }
sub pump { my $x = shift; my $f = $x->{i} or return;
  while (length $x->{ib}) { my $n = syswrite $f, $x->{ib}; if (!defined $n) { return $ws->add($f) if $!{EAGAIN}; $x->{ib} = ''; last } substr($x->{ib}, 0, $n) = '' }
  $ws->remove($f); drop($x, 'i') if $x->{ieof} }
sub run { my ($id, $p) = @_;
  my ($has, $cwd, $s) = $p =~ /\A([01])([^\0]*)\0(.*)\z/s or return out('X', $id, 'err:EPROTO:script');
  my $e = !-e $cwd ? 'ENOENT' : !-d _ ? 'ENOTDIR' : !-x _ ? 'EACCES' : '';
  return out('X', $id, "err:$e:cwd") if $e;
  my (@o, @e, @s, @i);
  pipe($o[0], $o[1]) && pipe($e[0], $e[1]) && pipe($s[0], $s[1]) && (!$has || pipe($i[0], $i[1])) or return out('X', $id, 'err:EMFILE:pipe');
  my $pid = fork; return out('X', $id, 'err:EAGAIN:fork') unless defined $pid;
  if (!$pid) {
    setpgrp(0, 0); chdir $cwd or POSIX::_exit(125);
    POSIX::dup2($has ? fileno $i[0] : POSIX::open('/dev/null', POSIX::O_RDONLY()), 0); POSIX::dup2(fileno $o[1], 1); POSIX::dup2(fileno $e[1], 2);
    if (fileno $s[1] == 3) { fcntl($s[1], F_SETFD, 0) } else { POSIX::dup2(fileno $s[1], 3) }
    exec { 'bash' } 'bash', '-c', $WRAP, 'bash', $s; POSIX::_exit(127);
  }
  setpgrp($pid, $pid);
  close $o[1]; close $e[1]; close $s[1]; close $i[0] if $has;
  my $x = $c{$id} = { id => $id, pid => $pid, o => $o[0], e => $e[0], s => $s[0], st => '', ib => '' };
  for my $k ('o', 'e', 's') { nb($x->{$k}); $fh{$x->{$k}} = [$x, $k]; $rs->add($x->{$k}) }
  if ($has) { $x->{i} = $i[1]; nb($i[1]); $fh{$i[1]} = [$x, 'i'] }
  out('P', $id, $pid) }
sub done { my $x = shift; delete $c{$x->{id}};
  for my $k ('o', 'e') { for (1 .. 64) { last unless $x->{$k}; my $n = sysread $x->{$k}, my $b, 65536; last unless $n; out(uc $k, $x->{id}, $b) } drop($x, $k) }
  drop($x, 's'); drop($x, 'i');
  out('X', $x->{id}, $x->{st} =~ /\A\d+\z/ ? "exit:$x->{st}" : 'killed') }
out('H', 0, $$);
while (1) {
  my ($r, $w) = IO::Select->select($rs, $ws->count ? $ws : undef, undef);
  for my $f (@{$r || []}) {
    if ($f == $stdin) {
      my $n = sysread STDIN, $in, 65536, length $in; next if !defined $n && $!{EINTR}; bye() unless $n;
      while (length $in >= 9) { my ($t, $id, $len) = unpack 'aNN', $in; last if length $in < 9 + $len;
        my $p = substr($in, 9, $len); substr($in, 0, 9 + $len) = '';
        if ($t eq 'R') { run($id, $p) }
        elsif ($t eq 'K') { kill 'KILL', -$c{$id}{pid} if $c{$id} }
        elsif ($t eq 'I' && $c{$id}) { my $x = $c{$id}; if (length $p) { $x->{ib} .= $p } else { $x->{ieof} = 1 } pump($x) } }
      next }
    my $h = $fh{$f} or next; my ($x, $k) = @$h;
    my $n = sysread $f, my $b, 65536; next if !defined $n && ($!{EAGAIN} || $!{EINTR});
    if ($k eq 's') { if ($n) { $x->{st} .= $b } else { done($x) } }
    elsif ($n) { out(uc $k, $x->{id}, $b) } else { drop($x, $k) } }
  for my $f (@{$w || []}) { my $h = $fh{$f} or next; pump($h->[0]) }
  1 while waitpid(-1, POSIX::WNOHANG()) > 0;
}
`;

/** The server ended before the command started there: safe to run it again elsewhere. */
export class ServerGone extends Error {}

interface Command {
  options: RawExecOptions;
  cwd: string;
  started: number;
  resolve: (r: ExecResult) => void;
  reject: (e: Error) => void;
  stderr: StringDecoder;
  pgid?: number;
  timedOut: boolean;
  aborted: boolean;
  release?: () => void;
  cleanup: () => void;
}

export interface CommandServerHooks {
  /** How errors name the other side. */
  label: string;
  /** A command's process group started: what keeps it from outliving Mux; returns its release. */
  guard?: (pgid: number) => (() => void) | undefined;
  /** The server ended (its `docker exec` exited); `detail` says why, for commands that were waiting. */
  onClose?: (detail: string) => void;
}

/** Bytes of stdin sent per frame. */
const STDIN_FRAME = 256 * 1024;

/** The host's end of a command server: starts commands there and gathers what they send back. */
export class CommandServer {
  private readonly commands = new Map<number, Command>();
  private nextId = 1;
  private pending = Buffer.alloc(0);
  private stderr = "";
  private closed = false;
  /** Resolves with the server's pid once it said hello; rejects if it ends before that. */
  readonly ready: Promise<number>;
  private hello!: (pid: number) => void;
  private failed!: (err: Error) => void;

  constructor(
    private readonly child: ChildProcess,
    private readonly hooks: CommandServerHooks,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.hello = resolve;
      this.failed = reject;
    });
    this.ready.catch(() => {});
    child.stdout?.on("data", (chunk: Buffer) => this.onData(chunk));
    child.stderr?.on("data", (chunk: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += chunk.toString();
    });
    child.stdin?.on("error", () => {});
    child.on("error", (err) => this.onClose(err.message));
    child.on("close", (code) => this.onClose(this.stderr.trim() || `the command server exited with code ${code}`));
  }

  get alive(): boolean {
    return !this.closed;
  }

  /** Commands in flight. */
  get busy(): number {
    return this.commands.size;
  }

  /** Ends the server (commands in flight are killed there). */
  close(): void {
    this.child.stdin?.end();
  }

  /** Runs `script` (env already prepended) there; rejects only when it never started. */
  run(script: string, o: RawExecOptions, started: number): Promise<ExecResult> {
    if (this.closed) return Promise.reject(new ServerGone(`the command server of ${this.hooks.label} has ended`));
    const input = o.stdin;
    if (input !== undefined && typeof input !== "string" && !Buffer.isBuffer(input)) throw new Error("a command server takes stdin as bytes only");
    const id = this.nextId++;
    const cwd = o.cwd ?? ".";
    return new Promise<ExecResult>((resolve, reject) => {
      const kill = () => this.send("K", id, Buffer.alloc(0));
      const cmd: Command = {
        options: o,
        cwd,
        started,
        resolve,
        reject,
        stderr: new StringDecoder("utf8"),
        timedOut: false,
        aborted: false,
        cleanup: () => {},
      };
      const timer = o.timeoutMs !== undefined ? setTimeout(() => ((cmd.timedOut = true), kill()), o.timeoutMs) : undefined;
      const onAbort = () => ((cmd.aborted = true), kill());
      o.signal?.addEventListener("abort", onAbort, { once: true });
      cmd.cleanup = () => {
        if (timer) clearTimeout(timer);
        o.signal?.removeEventListener("abort", onAbort);
        cmd.release?.();
      };
      this.commands.set(id, cmd);
      this.setRef(true);
      this.send("R", id, Buffer.concat([Buffer.from(`${input === undefined ? 0 : 1}${cwd}\0`), Buffer.from(script)]));
      if (input !== undefined) {
        const bytes = typeof input === "string" ? Buffer.from(input) : input;
        for (let at = 0; at < bytes.length; at += STDIN_FRAME) this.send("I", id, bytes.subarray(at, at + STDIN_FRAME));
        this.send("I", id, Buffer.alloc(0));
      }
    });
  }

  private send(type: string, id: number, payload: Buffer): void {
    const head = Buffer.alloc(9);
    head.write(type, 0, "latin1");
    head.writeUInt32BE(id, 1);
    head.writeUInt32BE(payload.length, 5);
    this.child.stdin?.write(Buffer.concat([head, payload]));
  }

  private onData(chunk: Buffer): void {
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    while (buf.length - at >= 9) {
      const len = buf.readUInt32BE(at + 5);
      if (buf.length - at < 9 + len) break;
      this.onFrame(String.fromCharCode(buf[at]), buf.readUInt32BE(at + 1), buf.subarray(at + 9, at + 9 + len));
      at += 9 + len;
    }
    this.pending = at === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(at));
  }

  private onFrame(type: string, id: number, payload: Buffer): void {
    if (type === "H") {
      this.setRef(this.commands.size > 0);
      this.hello(Number(payload.toString()));
      return;
    }
    const cmd = this.commands.get(id);
    if (!cmd) return;
    const o = cmd.options;
    if (type === "O") o.onStdout?.(payload);
    else if (type === "E") {
      const text = cmd.stderr.write(payload);
      if (text) o.onStderr?.(text);
    } else if (type === "P") {
      cmd.pgid = Number(payload.toString()) || undefined;
      if (cmd.pgid) cmd.release = this.hooks.guard?.(cmd.pgid);
    } else if (type === "X") this.end(id, cmd, payload.toString());
  }

  private end(id: number, cmd: Command, how: string): void {
    this.commands.delete(id);
    if (!this.commands.size) this.setRef(false);
    cmd.cleanup();
    const rest = cmd.stderr.end();
    if (rest) cmd.options.onStderr?.(rest);
    const base = { timedOut: cmd.timedOut, aborted: cmd.aborted, durationMs: Date.now() - cmd.started };
    if (how.startsWith("err:")) {
      const [code, what] = how.slice(4).split(":");
      const message = what === "cwd" ? `cannot change to directory ${cmd.cwd}` : `the command could not start (${what})`;
      cmd.reject(errnoError(code, `${message} (on ${this.hooks.label})`));
      return;
    }
    const status = how.startsWith("exit:") ? Number(how.slice(5)) : null;
    if (cmd.timedOut || cmd.aborted || status === null) cmd.resolve({ ...base, exitCode: null, signal: "SIGKILL" });
    else cmd.resolve({ ...base, exitCode: status, signal: null });
  }

  private onClose(detail: string): void {
    if (this.closed) return;
    this.closed = true;
    this.failed(new Error(detail));
    for (const [id, cmd] of this.commands) {
      this.commands.delete(id);
      cmd.cleanup();
      // Started there: its fate is unknown, as when a `docker exec` client dies mid-command.
      if (cmd.pgid) cmd.resolve({ exitCode: null, signal: "SIGKILL", timedOut: cmd.timedOut, aborted: cmd.aborted, durationMs: Date.now() - cmd.started });
      else cmd.reject(new ServerGone(`running a command in ${this.hooks.label} failed: ${detail}`));
    }
    this.hooks.onClose?.(detail);
  }

  /** While commands run the server keeps Mux alive (as their own processes would); idle, it does not. */
  private setRef(on: boolean): void {
    for (const h of [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as ({ ref?: () => void; unref?: () => void } | null)[]) {
      if (on) h?.ref?.();
      else h?.unref?.();
    }
  }
}
