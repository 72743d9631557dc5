import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dockerRunOptions, readDockerConfig } from "./dockerConfig.js";

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
});
