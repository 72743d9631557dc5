import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, expect, it } from "vitest";
import { overlapScratchDir } from "./scratch.js";

let root: string;
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

it("is this process's own directory, and removes those of processes that are gone (never a live one's)", () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-scratch-"));
  const base = path.join(root, "cache", "overlap");
  const dead = spawnSync("true").pid as number; // exited and reaped: its pid names no process now
  const live = process.ppid;
  for (const pid of [dead, live]) fs.mkdirSync(path.join(base, String(pid), "objects"), { recursive: true });
  expect(overlapScratchDir(root)).toBe(path.join(base, String(process.pid)));
  expect(fs.existsSync(path.join(base, String(dead)))).toBe(false);
  expect(fs.existsSync(path.join(base, String(live)))).toBe(true);
});
