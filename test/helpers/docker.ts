import { execFileSync, spawnSync } from "node:child_process";

/** The base image .ci/run builds with debootstrap (no registry is reachable here). */
export const TEST_IMAGE = "mux-test/debian:bookworm";

/**
 * Whether the Docker tests can run: an engine answering and the test image present. `.ci/run`
 * sets MUX_TEST_DOCKER=required, so in CI a missing engine fails these tests instead of skipping them.
 */
export function dockerReady(): boolean {
  const ok = spawnSync("docker", ["image", "inspect", TEST_IMAGE], { stdio: "ignore", timeout: 30_000 }).status === 0;
  if (!ok && process.env.MUX_TEST_DOCKER === "required") {
    throw new Error(`MUX_TEST_DOCKER=required but the Docker engine or the ${TEST_IMAGE} image is not available (.ci/run starts and builds both)`);
  }
  return ok;
}

/** Runs a command in a container and returns its stdout. */
export function inContainer(container: string, script: string): string {
  return execFileSync("docker", ["exec", container, "bash", "-c", script], { encoding: "utf8" });
}

/** The container's state (`running`, `exited`…), or null when it does not exist. */
export function containerState(container: string): string | null {
  const r = spawnSync("docker", ["inspect", "-f", "{{.State.Status}}", container], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Ids of the containers carrying a label (`mux.project=…`, `mux.workspace=…`). */
export function containersLabelled(label: string): string[] {
  return spawnSync("docker", ["ps", "-aq", "--filter", `label=${label}`], { encoding: "utf8" })
    .stdout.split("\n")
    .filter(Boolean);
}

/** Removes the containers carrying a label (a test project's, a workspace's). */
export function removeContainersLabelled(label: string): void {
  const ids = containersLabelled(label);
  if (ids.length) spawnSync("docker", ["rm", "-f", "-v", ...ids], { stdio: "ignore" });
}

/** Removes every container a test project's workspaces made (by Mux's label). */
export function removeContainersOf(projectPath: string): void {
  removeContainersLabelled(`mux.project=${projectPath}`);
}
