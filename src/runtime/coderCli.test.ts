import { describe, expect, it } from "vitest";
import { coderNameFor, coderSshOptions, explainCoderError, parseCoderList } from "./coderCli.js";

describe("the coder CLI as Mux uses it", () => {
  it("reads `coder list -o json`: each workspace's name, template and latest build status", () => {
    const out = JSON.stringify([
      { name: "mux-a", template_name: "docker", latest_build: { status: "running", transition: "start", job: { status: "succeeded" } } },
      { name: "box", template_name: "k8s", latest_build: { status: "failed", transition: "start" } },
      // A status from a newer deployment is left out rather than guessed.
      { name: "odd", template_name: "k8s", latest_build: { status: "hibernating" } },
    ]);
    expect(parseCoderList(out)).toEqual([
      { name: "mux-a", template: "docker", status: "running" },
      { name: "box", template: "k8s", status: "failed" },
    ]);
    expect(parseCoderList("")).toEqual([]);
    expect(() => parseCoderList("No workspaces found!")).toThrow("did not print JSON");
  });

  it("names a new Coder workspace after the Mux workspace, as Coder allows", () => {
    expect(coderNameFor("feature_x")).toBe("mux-feature-x");
    expect(coderNameFor("a--b-")).toBe("mux-a-b");
    expect(coderNameFor("a".repeat(40))).toHaveLength(32);
  });

  it("reaches a workspace through `coder ssh --stdio` with autostart off, and refuses names that could inject", () => {
    expect(coderSshOptions("/opt/coder bin/coder", "mux-a")).toEqual([
      "-o",
      "ProxyCommand='/opt/coder bin/coder' ssh --stdio --disable-autostart mux-a",
      "-o",
      "StrictHostKeyChecking=no",
      "-o",
      "UserKnownHostsFile=/dev/null",
    ]);
    expect(() => coderSshOptions("coder", "a; rm -rf ~")).toThrow("invalid Coder workspace name");
  });

  it("says what to do when the CLI is missing or signed out, else gives its own error line", () => {
    expect(explainCoderError({ code: null, stdout: "", stderr: "cannot run coder: spawn coder ENOENT" }, "coder whoami")).toContain("not installed");
    const signedOut = "Encountered an error running \"coder whoami\"\nerror: You are not logged in. Try logging in using 'coder login <url>'.";
    expect(explainCoderError({ code: 1, stdout: "", stderr: signedOut }, "coder whoami")).toMatch(/^you are not signed in to Coder: run `coder login/);
    const other = 'Encountered an error running "coder start"\nerror: workspace build is already running';
    expect(explainCoderError({ code: 1, stdout: "", stderr: other }, "coder start w")).toBe("coder start w failed: workspace build is already running");
  });
});
