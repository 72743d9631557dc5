import { describe, expect, it } from "vitest";
import { parseRuntimeOption } from "./runtimeOption.js";

describe("--runtime", () => {
  it("reads every runtime a user can type, and refuses others naming the choices", () => {
    expect(parseRuntimeOption("worktree")).toEqual({ type: "worktree" });
    expect(parseRuntimeOption(" local ")).toEqual({ type: "local" });
    expect(parseRuntimeOption("ssh devbox")).toEqual({ type: "ssh", host: "devbox" });
    expect(parseRuntimeOption("ssh:me@devbox")).toEqual({ type: "ssh", host: "me@devbox" });
    expect(parseRuntimeOption("docker node:20")).toEqual({ type: "docker", image: "node:20" });
    expect(parseRuntimeOption("docker:ghcr.io/acme/dev:1.2")).toEqual({ type: "docker", image: "ghcr.io/acme/dev:1.2" });
    // No image: the project's .mux/docker.json names it.
    expect(parseRuntimeOption("docker")).toEqual({ type: "docker" });
    // A new Coder workspace from a template, or an existing one.
    expect(parseRuntimeOption("coder docker-dev")).toEqual({ type: "coder", template: "docker-dev" });
    expect(parseRuntimeOption("coder:my-box")).toEqual({ type: "coder", workspace: "my-box" });
    expect(() => parseRuntimeOption("coder")).toThrow("unknown runtime");
    expect(() => parseRuntimeOption("podman x")).toThrow(
      'unknown runtime "podman x": use local, worktree, "ssh <host>", "docker [image]", "devcontainer [config]", "coder <template>" or "coder:<workspace>"',
    );
  });
});
