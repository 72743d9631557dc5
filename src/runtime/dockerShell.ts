import { type ChildProcess, spawn } from "node:child_process";
import { docker, dockerBin, explainDockerError, isNoSuchContainer } from "./dockerCli.js";
import { shq } from "../tools/shellQuote.js";
import { COMMAND_SERVER, CommandServer, ServerGone } from "./commandServer.js";
import { envPrefix, type RawExecOptions, RemoteShell } from "./remoteShell.js";
import type { ExecResult } from "./types.js";
import { watchdog } from "./watchdog.js";

/** A command server nobody used for this long is ended (its docker client holds memory). */
const SERVER_IDLE_MS = 5 * 60_000;
/** After a command server failed to start (no perl in the image?), commands use `docker exec` this long. */
const SERVER_RETRY_MS = 5 * 60_000;

/**
 * Commands inside one container. Before the first command the container is started if it is
 * stopped (after a reboot or a Docker restart), so a workspace survives both. Commands go to a
 * command server kept running in the container (see commandServer.ts); where it cannot run, or
 * for streamed stdin, each command is a `docker exec -i` of its own with the wrapper protocol.
 */
export class DockerShell extends RemoteShell {
  readonly label: string;
  private ready: Promise<void> | undefined;
  private server: CommandServer | undefined;
  private serverStart: Promise<CommandServer | undefined> | undefined;
  private serverRetryAt = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly container: string,
    private readonly bin = dockerBin(),
  ) {
    super();
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(container)) throw new Error(`invalid container name: ${JSON.stringify(container)}`);
    this.label = `container ${container}`;
  }

  protected spawnShell(remoteCommand: string): ChildProcess {
    return spawn(this.bin, ["exec", "-i", this.container, "bash", "-c", remoteCommand], { stdio: ["pipe", "pipe", "pipe"] });
  }

  protected connectionError(stderr: string, code: number | null): Error {
    // The container may have stopped meanwhile: look again before the next command.
    this.ready = undefined;
    const detail = stderr.trim() ? explainDockerError(stderr) : code === null ? "docker was killed" : `docker exited with code ${code}`;
    return new Error(`running a command in ${this.label} failed: ${detail}`);
  }

  /** A killed `docker exec` client leaves its command running in the container: the watchdog ends it if Mux dies. */
  protected override guardRemoteGroup(pgid: number): () => void {
    // bash's kill: images without procps have no kill binary.
    return watchdog().registerCleanup(`${shq(this.bin)} exec ${this.container} bash -c 'kill -KILL -- -${pgid}'`);
  }

  override async exec(script: string, options: RawExecOptions = {}): Promise<ExecResult> {
    const streamed = options.stdin !== undefined && typeof options.stdin !== "string" && !Buffer.isBuffer(options.stdin);
    if (streamed || options.signal?.aborted || script.includes("\0")) return super.exec(script, options);
    const started = Date.now();
    const full = envPrefix(options.env) + script;
    // A server that ended before the command started there (the container stopped) gets one more try.
    for (let attempt = 1; ; attempt++) {
      await this.connect();
      // A background check uses a running server but does not keep one running for itself.
      const server = options.background ? this.server : await this.commandServer();
      if (!server?.alive) return super.exec(script, options);
      // Only work someone waits for keeps the server: idle workspaces' checks let it end.
      if (!options.background) this.keepServer(server);
      try {
        return await server.run(full, options, started);
      } catch (err) {
        if (!(err instanceof ServerGone) || attempt > 1) throw err;
      }
    }
  }

  /** Ends `server` once it was not used for SERVER_IDLE_MS (later, while commands still run on it). */
  private keepServer(server: CommandServer): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => (server.busy ? this.keepServer(server) : this.endServer(server)), SERVER_IDLE_MS).unref();
  }

  /** Ends the command server, if one runs. */
  close(): void {
    if (this.server) this.endServer(this.server);
  }

  private endServer(server: CommandServer): void {
    if (this.server === server) this.server = undefined;
    server.close();
  }

  /** The running command server, started on first use; undefined while it cannot run here. */
  private commandServer(): Promise<CommandServer | undefined> {
    if (this.server?.alive) return Promise.resolve(this.server);
    if (Date.now() < this.serverRetryAt) return Promise.resolve(undefined);
    this.serverStart ??= this.startServer().finally(() => (this.serverStart = undefined));
    return this.serverStart;
  }

  private async startServer(): Promise<CommandServer | undefined> {
    const child = spawn(this.bin, ["exec", "-i", this.container, "perl", "-e", COMMAND_SERVER], { stdio: ["pipe", "pipe", "pipe"] });
    let release: (() => void) | undefined;
    const server = new CommandServer(child, {
      label: this.label,
      guard: (pgid) => this.guardRemoteGroup(pgid),
      onClose: () => {
        release?.();
        if (this.server !== server) return;
        this.server = undefined;
        // Not ended by us: the container may have stopped, so look again before the next command.
        this.ready = undefined;
      },
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    try {
      const pid = await server.ready;
      if (!server.alive) return undefined;
      release = watchdog().registerCleanup(`${shq(this.bin)} exec ${this.container} bash -c 'kill -KILL ${pid}'`);
      this.server = server;
      return server;
    } catch {
      this.serverRetryAt = Date.now() + SERVER_RETRY_MS;
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  connect(): Promise<void> {
    this.ready ??= this.ensureRunning();
    this.ready.catch(() => (this.ready = undefined));
    return this.ready;
  }

  private async ensureRunning(): Promise<void> {
    const state = await docker(["inspect", "-f", "{{.State.Running}}", this.container], { bin: this.bin, timeoutMs: 30_000 });
    if (state.code !== 0) {
      if (isNoSuchContainer(state.stderr)) throw new Error(`${this.label} no longer exists (removed outside Mux?); delete the workspace with --force`);
      throw new Error(`cannot reach ${this.label}: ${explainDockerError(state.stderr)}`);
    }
    if (state.stdout.trim() === "true") return;
    const start = await docker(["start", this.container], { bin: this.bin, timeoutMs: 60_000 });
    if (start.code !== 0) throw new Error(`starting ${this.label} failed: ${explainDockerError(start.stderr)}`);
  }
}

const shells = new Map<string, DockerShell>();

/** The shell of a container, one per container in this process, so all its runtimes share one command server. */
export function dockerShell(container: string): DockerShell {
  let s = shells.get(container);
  if (!s) {
    s = new DockerShell(container);
    shells.set(container, s);
  }
  return s;
}

/** The container is gone: so is its shell (and its command server, should it still run). */
export function forgetDockerShell(container: string): void {
  shells.get(container)?.close();
  shells.delete(container);
}
