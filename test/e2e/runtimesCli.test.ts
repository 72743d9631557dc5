import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeRepo } from "../helpers/git.js";
import { runMux, tempDirs } from "../helpers/mux.js";

/** `mux runtimes`: Settings → Runtimes from the shell, writing the same config.json key. */

let dirs: ReturnType<typeof tempDirs>;
let repo: string;
beforeEach(() => {
  dirs = tempDirs();
  repo = makeRepo(path.join(dirs.base, "app"), { "README.md": "# app\n" });
});
afterEach(() => dirs.cleanup());

const mux = (args: string[]) => runMux(args, { cwd: repo, env: { MUX_ROOT: dirs.muxRoot } });
const configJson = () => JSON.parse(fs.readFileSync(path.join(dirs.muxRoot, "config.json"), "utf8"));

describe("mux runtimes", () => {
  it("sets, shows and clears the default Docker image; the project's own image wins over it", async () => {
    expect(JSON.parse((await mux(["runtimes", "--json"])).stdout)).toEqual({ defaultDockerImage: null });

    const set = await mux(["runtimes", "default-image", "node:20", "--json"]);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({ defaultDockerImage: "node:20" });
    expect(configJson().defaultDockerImage).toBe("node:20");

    const shown = await mux(["runtimes", "--project", repo, "--json"]);
    expect(JSON.parse(shown.stdout)).toEqual({
      defaultDockerImage: "node:20",
      project: { devcontainer: null, dockerImage: { image: "node:20", from: "settings" }, dockerConfigError: null },
    });

    // The project's own image wins over the default, and its dev container is offered.
    fs.mkdirSync(path.join(repo, ".mux"));
    fs.writeFileSync(path.join(repo, ".mux", "docker.json"), '{ "image": "python:3.12" }\n');
    fs.mkdirSync(path.join(repo, ".devcontainer"));
    fs.writeFileSync(path.join(repo, ".devcontainer", "devcontainer.json"), '{ "image": "node:20" }\n');
    const text = await mux(["runtimes", "--project", repo]);
    expect(text.stdout).toContain("default Docker image: node:20");
    expect(text.stdout).toContain("docker: python:3.12 (from the project's .mux/docker.json)");
    expect(text.stdout).toContain("dev container: .devcontainer/devcontainer.json");

    const cleared = await mux(["runtimes", "default-image", "--clear"]);
    expect(cleared.stdout).toBe("no default Docker image\n");
    expect(configJson()).not.toHaveProperty("defaultDockerImage");
  });

  it("refuses a malformed image or a missing one, clearly, and changes nothing", async () => {
    await mux(["runtimes", "default-image", "node:20"]);
    const bad = await mux(["runtimes", "default-image", "not an image"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"not an image" is not a Docker image name');
    const none = await mux(["runtimes", "default-image"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("give an image (such as node:20) or --clear");
    expect(configJson().defaultDockerImage).toBe("node:20");
  });

  it("keeps the original app's keys in config.json", async () => {
    fs.mkdirSync(dirs.muxRoot, { recursive: true });
    fs.writeFileSync(path.join(dirs.muxRoot, "config.json"), JSON.stringify({ projects: [], someOriginalKey: { kept: true } }));
    expect((await mux(["runtimes", "default-image", "node:20"])).code).toBe(0);
    expect(configJson()).toMatchObject({ someOriginalKey: { kept: true }, defaultDockerImage: "node:20" });
  });
});
