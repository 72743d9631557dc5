import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dockerImageFor, dockerRunOptions, noDockerImageError, readDockerConfig } from "./dockerConfig.js";
import { findDevcontainerConfig, projectRuntimes } from "./projectRuntimes.js";

describe(".mux/docker.json", () => {
  let project: string;
  const write = (text: string) => fs.writeFileSync(path.join(project, ".mux", "docker.json"), text);
  beforeEach(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "mux-docker-config-"));
    fs.mkdirSync(path.join(project, ".mux"));
  });
  afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

  it("is optional, takes comments, and becomes docker run's options", () => {
    fs.rmSync(path.join(project, ".mux", "docker.json"), { force: true });
    expect(readDockerConfig(project)).toEqual({});
    write(`{
  // the team's dev image
  "image": "ghcr.io/acme/dev:1",
  "network": "none",
  "memory": "2g", "cpus": 1.5, "pidsLimit": 512,
  "env": { "CI": "1" },
  "mounts": ["/opt/cache:/cache:ro"],
}`);
    const c = readDockerConfig(project);
    expect(c.image).toBe("ghcr.io/acme/dev:1");
    expect(dockerRunOptions(c)).toEqual([
      "--network",
      "none",
      "--memory",
      "2g",
      "--cpus",
      "1.5",
      "--pids-limit",
      "512",
      "-e",
      "CI=1",
      "-v",
      "/opt/cache:/cache:ro",
    ]);
  });

  it("a mistake is an error naming the file, line and field", () => {
    const file = path.join(project, ".mux", "docker.json");
    write(`{\n  "image": "x",\n  "cpus": "many"\n}`);
    expect(() => readDockerConfig(project)).toThrow(`${file}:3:11: cpus:`);
    write(`{\n  "imagee": "x"\n}`);
    expect(() => readDockerConfig(project)).toThrow(`${file}`);
    expect(() => readDockerConfig(project)).toThrow(/imagee/);
    write(`{ "image": "x", }}`);
    expect(() => readDockerConfig(project)).toThrow(`${file}:1:`);
  });

  it("the image: the one asked for, else the project's docker.json, else the settings' default", () => {
    expect(dockerImageFor(project, undefined, undefined)).toBeNull();
    expect(dockerImageFor(project, undefined, "debian:12")).toEqual({ image: "debian:12", from: "settings" });
    write(`{ "image": "ghcr.io/acme/dev:1" }`);
    expect(dockerImageFor(project, undefined, "debian:12")).toEqual({ image: "ghcr.io/acme/dev:1", from: "project" });
    expect(dockerImageFor(project, "node:20", "debian:12")).toEqual({ image: "node:20", from: "explicit" });
    const err = noDockerImageError(project, "box", "/home/me/.mux/config.json").message;
    expect(err).toContain(`"image" in ${path.join(project, ".mux", "docker.json")}`);
    expect(err).toContain(`Settings → Runtimes or with "mux runtimes default-image IMAGE" (defaultDockerImage in /home/me/.mux/config.json)`);
    expect(err).toContain('--runtime "docker IMAGE"');
  });

  it("tells the new-workspace dialog what the project offers: its dev container, its default image, a broken docker.json", () => {
    expect(projectRuntimes(project, undefined)).toEqual({ devcontainer: null, dockerImage: null, dockerConfigError: null });
    expect(projectRuntimes(project, "debian:12").dockerImage).toEqual({ image: "debian:12", from: "settings" });
    fs.writeFileSync(path.join(project, ".devcontainer.json"), "{}");
    expect(findDevcontainerConfig(project)).toBe(".devcontainer.json");
    fs.mkdirSync(path.join(project, ".devcontainer"));
    fs.writeFileSync(path.join(project, ".devcontainer", "devcontainer.json"), "{}");
    expect(findDevcontainerConfig(project)).toBe(".devcontainer/devcontainer.json");
    write(`{ "memory": "lots" }`);
    const r = projectRuntimes(project, "debian:12");
    expect(r.devcontainer).toBe(".devcontainer/devcontainer.json");
    expect(r.dockerImage).toBeNull();
    expect(r.dockerConfigError).toContain("memory");
  });
});
