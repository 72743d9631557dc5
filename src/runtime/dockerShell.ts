import { type ChildProcess, spawn } from "node:child_process";
import { docker, dockerBin, explainDockerError, isNoSuchContainer } from "./dockerCli.js";
import { shq } from "../tools/shellQuote.js";
import { RemoteShell } from "./remoteShell.js";
import { watchdog } from "./watchdog.js";

/**
 * Commands inside one container through `docker exec -i`. Before the first command the container
 * is started if it is stopped (after a reboot or a Docker restart), so a workspace survives both.
 */
export class DockerShell extends RemoteShell {
  readonly label: string;
  private ready: Promise<void> | undefined;

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
