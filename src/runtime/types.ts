/**
 * A workspace's execution environment. Tools receive one explicitly and never touch the
 * process-wide cwd, so the same tool code runs locally, in a worktree or over SSH.
 * All paths are absolute POSIX paths as seen by the runtime.
 */

export type RuntimeType = "local" | "worktree" | "ssh" | "docker" | "devcontainer";

export interface ExecOptions {
  /** Defaults to the runtime root. */
  cwd?: string;
  env?: Record<string, string>;
  /** Kill the whole process group after this long. */
  timeoutMs?: number;
  signal?: AbortSignal;
  stdin?: string;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /**
   * The output as raw bytes (it may be binary); when given, onStdout/onStderr are not called. A
   * returned promise asks to pause reading that stream until it settles (the command then blocks
   * on its writes instead of the output piling up in memory); a runtime may ignore it.
   */
  onOutputBytes?: (stream: "stdout" | "stderr", chunk: Buffer) => void | Promise<void>;
  /**
   * A check nobody is waiting on (the sidebar's git status): the runtime may use what it keeps
   * running already, but starts nothing long-lived for it.
   */
  background?: boolean;
  /** The command's process group started on this machine (its leader's pid); not called for remote runtimes. */
  onSpawn?: (pgid: number) => void;
}

export interface ExecResult {
  exitCode: number | null;
  /** Set when the process died by a signal (including our own kill). */
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
}

export interface FileStat {
  isFile: boolean;
  isDirectory: boolean;
  isSymbolicLink: boolean;
  size: number;
  mtimeMs: number;
}

export interface DirEntry {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
  isSymbolicLink: boolean;
}

export interface Runtime {
  readonly type: RuntimeType;
  /** The workspace root: tools refuse paths outside it. */
  readonly root: string;
  /** Runs `script` with bash in a new process group; output is streamed, not buffered. */
  exec(script: string, options?: ExecOptions): Promise<ExecResult>;
  readFile(path: string): Promise<Buffer>;
  /** Creates parent directories; replaces the file atomically. */
  writeFile(path: string, data: string | Buffer): Promise<void>;
  /** Appends to a file (created when missing); for output saved as it arrives. */
  appendFile(path: string, data: Buffer): Promise<void>;
  /** null when the path does not exist. Does not follow a final symlink. */
  lstat(path: string): Promise<FileStat | null>;
  /** null when the path does not exist. */
  stat(path: string): Promise<FileStat | null>;
  readdir(path: string): Promise<DirEntry[]>;
  /** Resolves symlinks; throws when the path does not exist. */
  realpath(path: string): Promise<string>;
  /** A scratch directory for tool output files (created on demand; old files are removed after a while). */
  tempDir(): Promise<string>;
  /**
   * Remote runtimes: the local command that runs `commandLine` (by sh) in `cwd` (relative to the
   * workspace) over there, its stdin and stdout piped through, for a long-lived helper such as an
   * MCP server; `end` stops what the command left running there.
   */
  pipedCommand?(commandLine: string, env: Record<string, string>, cwd?: string): Promise<PipedCommand>;
}

export interface PipedCommand {
  file: string;
  args: string[];
  end?: () => Promise<void>;
}

/** Runs a command and collects its output; for short commands only (git, probes). */
export async function execCapture(
  runtime: Runtime,
  script: string,
  options: Omit<ExecOptions, "onStdout" | "onStderr"> = {},
): Promise<ExecResult & { stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const result = await runtime.exec(script, {
    ...options,
    onStdout: (c) => {
      stdout += c;
    },
    onStderr: (c) => {
      stderr += c;
    },
  });
  return { ...result, stdout, stderr };
}
