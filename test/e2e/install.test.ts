import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, REPO_ROOT } from "../helpers/mux.js";

const run = promisify(execFile);

/**
 * The README's way to put `mux` on the PATH: `npm install -g .` from the clone (npm links the
 * folder: nothing is downloaded, the clone's dependencies are used). Installed into a temp
 * prefix with --offline, so the test can never reach the registry; `mux` then works anywhere.
 */

let base: string;
beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "mux-install-"));
  fs.mkdirSync(path.join(base, "elsewhere"));
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe("installing the mux command", () => {
  it("npm install -g . puts a working `mux` on the PATH, usable from any directory", { timeout: 120_000 }, async () => {
    const prefix = path.join(base, "prefix");
    const npmEnv = cleanEnv({ npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" });
    // --ignore-scripts: the clone is built already, and a rebuild here (its `prepare`) would pull
    // dist/ from under the tests running beside this one.
    await run("npm", ["install", "--global", "--prefix", prefix, "--offline", "--ignore-scripts", "."], { cwd: REPO_ROOT, env: npmEnv });
    const bin = path.join(prefix, "bin");
    expect(fs.existsSync(path.join(bin, "mux"))).toBe(true);

    const env = cleanEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH}`, MUX_ROOT: path.join(base, "mux-root") });
    const elsewhere = path.join(base, "elsewhere");
    const help = await run("mux", ["--help"], { cwd: elsewhere, env });
    expect(help.stdout).toMatch(/^Usage: mux /);
    expect(help.stdout).toContain("run [options]");
    // A real command too, from a directory that is not the clone.
    const providers = await run("mux", ["providers", "--json"], { cwd: elsewhere, env });
    expect(JSON.parse(providers.stdout).providers.map((p: { id: string }) => p.id)).toContain("anthropic");
  });
});
