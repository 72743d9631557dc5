import { describe, expect, it } from "vitest";
import { containerNameFor, explainDockerError, isNoSuchContainer } from "./dockerCli.js";

describe("Docker names and errors", () => {
  it("names a workspace's container as the original Mux does: safe for Docker, hashed against collisions", () => {
    const a = containerNameFor("/home/me/my app", "feature/login");
    expect(a).toMatch(/^mux-my-app-feature-login-[0-9a-f]{6}$/);
    // Names that read alike once made safe still get different containers.
    expect(containerNameFor("/home/me/my app", "feature-login")).not.toBe(a);
    expect(containerNameFor("/home/me/my app", "feature/login")).toBe(a);
    const long = containerNameFor("/p/project", "x".repeat(80));
    expect(long.length).toBe(63);
    expect(long).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/);
  });

  it("keeps Docker's own error line and says what to do about the usual causes", () => {
    expect(
      explainDockerError(
        "Unable to find image 'x:1' locally\ndocker: Error response from daemon: pull access denied for x\n\nRun 'docker run --help' for more information\n",
      ),
    ).toBe("docker: Error response from daemon: pull access denied for x (the image is not on this machine and could not be pulled)");
    expect(explainDockerError("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")).toContain(
      "(is the Docker engine running?)",
    );
    expect(explainDockerError("permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock")).toContain(
      "add it to the docker group",
    );
    expect(explainDockerError("cannot run docker: spawn docker ENOENT")).toBe("the docker command is not installed (or not on PATH)");
    expect(isNoSuchContainer("Error: No such object: mux-x")).toBe(true);
    expect(isNoSuchContainer("Error response from daemon: No such container: mux-x")).toBe(true);
    expect(isNoSuchContainer("Cannot connect to the Docker daemon")).toBe(false);
  });
});
