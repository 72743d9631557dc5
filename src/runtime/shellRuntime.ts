import { randomBytes } from "node:crypto";
import { posix } from "node:path";
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { shq } from "../tools/shellQuote.js";
import { errnoError, type RawExecOptions, type RemoteShell } from "./remoteShell.js";
import { type DirEntry, type ExecOptions, type ExecResult, execCapture, type FileStat, type Runtime, type RuntimeType } from "./types.js";

/** The errno a coreutils message stands for (the scripts force LC_ALL=C). */
function errnoFromMessage(stderr: string): string | undefined {
  const table: [RegExp, string][] = [
    [/No such file or directory|\bENOENT\b/, "ENOENT"],
    [/Not a directory|\bENOTDIR\b/, "ENOTDIR"],
    [/Is a directory|\bEISDIR\b/, "EISDIR"],
    [/Permission denied|\bEACCES\b/, "EACCES"],
    [/File exists/, "EEXIST"],
    [/No space left on device/, "ENOSPC"],
    [/Read-only file system/, "EROFS"],
    [/Too many levels of symbolic links/, "ELOOP"],
  ];
  return table.find(([re]) => re.test(stderr))?.[1];
}

const S_IFMT = 0o170000;

/** Parses `stat -c '%f %s %Y %y'`: hex mode, size, mtime seconds, then the human mtime for its fraction. */
function parseStat(line: string): FileStat {
  const m = /^([0-9a-f]+) (\d+) (-?\d+) \S+ \d+:\d+:\d+(?:\.(\d+))?/.exec(line.trim());
  if (!m) throw new Error(`unexpected stat output: ${JSON.stringify(line)}`);
  const type = parseInt(m[1], 16) & S_IFMT;
  const nsec = m[4] ? Number(m[4].padEnd(9, "0").slice(0, 9)) : 0;
  return {
    isFile: type === 0o100000,
    isDirectory: type === 0o040000,
    isSymbolicLink: type === 0o120000,
    size: Number(m[2]),
    // Node's own formula (msFromTimeSpec), so local and remote mtimes compare equal.
    mtimeMs: Number(m[3]) * 1000 + nsec / 1e6,
  };
}

/**
 * A runtime whose commands and files are reached through a RemoteShell (ssh, docker exec). The
 * other side needs bash and GNU coreutils/findutils (stat -c, find -printf, realpath -e, mktemp);
 * bytes travel raw over stdin/stdout.
 */
export class ShellRuntime implements Runtime {
  readonly root: string;
  private scratch: Promise<string> | undefined;

  constructor(
    readonly type: RuntimeType,
    root: string,
    readonly shell: RemoteShell,
  ) {
    if (!posix.isAbsolute(root)) throw new Error(`${type} runtime root must be an absolute path, got ${root}`);
    this.root = posix.normalize(root).replace(/(.)\/$/, "$1");
  }

  /**
   * The sh script that runs `commandLine` in `cwd` with `env`. The variables (an MCP server's
   * keys) travel in a file only the user can read, which the script deletes as it reads it, not
   * on a command line that `ps` shows.
   */
  protected async pipedScript(commandLine: string, env: Record<string, string>, cwd?: string): Promise<string> {
    const dir = this.abs(cwd ?? this.root);
    let load = "";
    const vars = Object.entries(env);
    if (vars.length > 0) {
      const content = vars.map(([k, v]) => `export ${k}=${shq(v)}\n`).join("");
      const made = await execCapture(this, 'f=$(umask 077 && mktemp) && cat > "$f" && printf %s "$f"', { stdin: content, timeoutMs: 15_000 });
      if (made.exitCode !== 0 || !made.stdout.startsWith("/"))
        throw new Error(`cannot pass the environment to ${this.type}: ${made.stderr.trim() || `exit ${made.exitCode}`}`);
      load = `. ${shq(made.stdout)}; rm -f ${shq(made.stdout)}\n`;
    }
    return `cd ${shq(dir)} || exit 1\n${load}exec sh -c ${shq(`exec ${commandLine}`)}`;
  }

  /** Relative paths are taken relative to the workspace root (the remote has no "our" cwd). */
  private abs(p: string): string {
    return posix.resolve(this.root, p);
  }

  exec(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    const onBytes = options.onOutputBytes;
    if (onBytes) {
      // stderr arrives decoded (the wrapper's markers travel on it): re-encoded, binary stderr is lossy.
      return this.execRaw(script, { ...options, onStdout: (b) => onBytes("stdout", b), onStderr: (s) => onBytes("stderr", Buffer.from(s)) });
    }
    // Decode per stream so a multi-byte character split across chunks stays intact.
    const decoder = new StringDecoder("utf8");
    const onStdout = options.onStdout;
    return this.shell
      .exec(script, {
        ...options,
        cwd: this.abs(options.cwd ?? this.root),
        onStdout: onStdout
          ? (b) => {
              const s = decoder.write(b);
              if (s) onStdout(s);
            }
          : undefined,
      })
      .then((r) => {
        const rest = decoder.end();
        if (rest && onStdout) onStdout(rest);
        return r;
      });
  }

  /** exec with binary or streamed stdin and raw stdout (e.g. piping a git bundle through). */
  execRaw(script: string, options: RawExecOptions = {}): Promise<ExecResult> {
    return this.shell.exec(script, { ...options, cwd: this.abs(options.cwd ?? this.root) });
  }

  /** Pipes `stdin` (a stream or bytes) into `script` and collects its output. */
  async execWithStdinStream(
    script: string,
    stdin: Readable | Buffer | string,
    options: Omit<RawExecOptions, "stdin" | "onStdout" | "onStderr"> = {},
  ): Promise<ExecResult & { stdout: Buffer; stderr: string }> {
    const out: Buffer[] = [];
    let stderr = "";
    const r = await this.execRaw(script, { ...options, stdin, onStdout: (b) => out.push(b), onStderr: (s) => (stderr += s) });
    return { ...r, stdout: Buffer.concat(out), stderr };
  }

  /** A short fs command: C locale (parsable errors), bytes in and out. */
  private async capture(script: string, stdin?: Buffer | string): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
    const r = await this.execWithStdinStream(`export LC_ALL=C\n${script}`, stdin ?? "", { cwd: "/" });
    return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  }

  private fail(op: string, p: string, stderr: string, code: number | null): never {
    const msg = stderr.trim().split("\n").pop() || `exit code ${code}`;
    throw errnoError(errnoFromMessage(stderr), `${msg}, ${op} '${p}' (on ${this.shell.label})`);
  }

  async readFile(path: string): Promise<Buffer> {
    const p = this.abs(path);
    const r = await this.capture(`f=${shq(p)}; if [ -d "$f" ]; then echo "Is a directory" >&2; exit 1; fi; exec cat -- "$f"`);
    if (r.code !== 0) this.fail("open", p, r.stderr, r.code);
    return r.stdout;
  }

  async writeFile(path: string, data: string | Buffer): Promise<void> {
    const p = this.abs(path);
    const dir = posix.dirname(p);
    // Same dir as the target so the final mv is an atomic rename; keeps an existing file's mode.
    const tmp = posix.join(dir, `.${posix.basename(p).slice(0, 100)}.${randomBytes(6).toString("hex")}.tmp`);
    const script = [
      `f=${shq(p)}; t=${shq(tmp)}`,
      `mkdir -p -- ${shq(dir)} || exit 1`,
      `(set -C; cat > "$t") || { rm -f -- "$t"; exit 1; }`,
      `if [ -e "$f" ]; then m=$(stat -L -c %a -- "$f" 2>/dev/null) && chmod "$m" "$t"; fi`,
      `mv -fT -- "$t" "$f" || { rm -f -- "$t"; exit 1; }`,
    ].join("\n");
    const r = await this.capture(script, data);
    if (r.code !== 0) this.fail("write", p, r.stderr, r.code);
  }

  async appendFile(path: string, data: Buffer): Promise<void> {
    const p = this.abs(path);
    const r = await this.capture(`exec cat >> ${shq(p)}`, data);
    if (r.code !== 0) this.fail("append", p, r.stderr, r.code);
  }

  private async statWith(flag: string, path: string): Promise<FileStat | null> {
    const p = this.abs(path);
    const r = await this.capture(`exec stat ${flag} -c '%f %s %Y %y' -- ${shq(p)}`);
    if (r.code === 0) return parseStat(r.stdout.toString("utf8"));
    const code = errnoFromMessage(r.stderr);
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    this.fail("stat", p, r.stderr, r.code);
  }

  lstat(path: string): Promise<FileStat | null> {
    return this.statWith("", path);
  }

  stat(path: string): Promise<FileStat | null> {
    return this.statWith("-L", path);
  }

  async readdir(path: string): Promise<DirEntry[]> {
    const p = this.abs(path);
    // -H follows a symlinked directory given as the argument, as fs.readdir does.
    const script = [
      `d=${shq(p)}`,
      // stat reports why a missing path is missing (ENOENT, or ENOTDIR below a file).
      `if [ ! -e "$d" ]; then stat -L -- "$d" >/dev/null; exit 1; fi`,
      `if [ ! -d "$d" ]; then echo "Not a directory" >&2; exit 1; fi`,
      `if [ ! -r "$d" ] || [ ! -x "$d" ]; then echo "Permission denied" >&2; exit 1; fi`,
      `exec find -H "$d" -mindepth 1 -maxdepth 1 -printf '%y %f\\0'`,
    ].join("\n");
    const r = await this.capture(script);
    if (r.code !== 0) this.fail("scandir", p, r.stderr, r.code);
    const entries: DirEntry[] = [];
    for (const rec of r.stdout.toString("utf8").split("\0")) {
      if (rec.length < 3) continue;
      const t = rec[0];
      entries.push({ name: rec.slice(2), isFile: t === "f", isDirectory: t === "d", isSymbolicLink: t === "l" });
    }
    return entries;
  }

  async realpath(path: string): Promise<string> {
    const p = this.abs(path);
    const r = await this.capture(`exec realpath -e -- ${shq(p)}`);
    if (r.code !== 0) this.fail("realpath", p, r.stderr, r.code);
    return r.stdout.toString("utf8").replace(/\n$/, "");
  }

  tempDir(): Promise<string> {
    this.scratch ??= (async () => {
      const r = await this.capture(`exec mktemp -d "\${TMPDIR:-/tmp}/mux-XXXXXXXX"`);
      if (r.code !== 0) this.fail("mktemp", "${TMPDIR:-/tmp}", r.stderr, r.code);
      return r.stdout.toString("utf8").replace(/\n$/, "");
    })();
    this.scratch.catch(() => (this.scratch = undefined));
    return this.scratch;
  }
}
