import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/mux.js";

/**
 * `npm start` runs scripts/build.mjs every time: it must rebuild only when a source changed, and
 * a fresh clone (no dist/) must build. Runs on a copy of the sources (CLI only, for speed).
 */

let clone: string;
beforeAll(() => {
  clone = fs.mkdtempSync(path.join(os.tmpdir(), "mux-build-"));
  for (const entry of ["src", "scripts", "package.json", "package-lock.json", "tsconfig.json"]) {
    fs.cpSync(path.join(REPO_ROOT, entry), path.join(clone, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(clone, "node_modules"));
});
afterAll(() => fs.rmSync(clone, { recursive: true, force: true }));

const build = (...args: string[]) =>
  execFileSync(process.execPath, [path.join(clone, "scripts/build.mjs"), ...args], {
    cwd: clone,
    env: { ...process.env, MUX_SKIP_WEB: "1" },
    encoding: "utf8",
  });
/** Identity of the built CLI: a rebuild writes a new file. */
const built = () => {
  const st = fs.statSync(path.join(clone, "dist/mux.js"));
  return `${st.ino}:${st.mtimeMs}`;
};
const version = () => execFileSync(process.execPath, [path.join(clone, "dist/mux.js"), "--version"], { encoding: "utf8" }).trim();

describe("scripts/build.mjs (npm start, npm test)", () => {
  it("builds a fresh clone, then skips the build until a source changes", () => {
    expect(fs.existsSync(path.join(clone, "dist"))).toBe(false);
    expect(build()).not.toContain("up to date");
    expect(version()).toBe("0.1.0");
    const first = built();

    expect(build()).toContain("up to date");
    expect(built()).toBe(first);

    // Touching a file without changing it is not a change.
    const file = path.join(clone, "src/cli/main.ts");
    fs.utimesSync(file, new Date(), new Date());
    expect(build()).toContain("up to date");

    fs.appendFileSync(file, "\n// an edit\n");
    expect(build()).not.toContain("up to date");
    const second = built();
    expect(second).not.toBe(first);
    expect(version()).toBe("0.1.0");

    expect(build("--force")).not.toContain("up to date");
    expect(built()).not.toBe(second);
  }, 180_000); // four builds of the CLI and the web app: minutes on a busy 2-core machine

  it("a build that was removed is made again", () => {
    fs.rmSync(path.join(clone, "dist/mux.js"));
    expect(build()).not.toContain("up to date");
    expect(version()).toBe("0.1.0");
  }, 120_000);
});
