import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { movePlanFile, planFilePath, readPlanFile, writePlanFile } from "./planFile.js";

let root: string | undefined;
afterEach(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe("plan files", () => {
  it("live at MUX_ROOT/plans/<project>/<workspace>.md, are written whole, read back, and move with a rename", () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-plans-"));
    const file = planFilePath(root, "app", "fix-login");
    expect(file).toBe(path.join(root, "plans", "app", "fix-login.md"));
    expect(readPlanFile(file)).toBeUndefined();
    writePlanFile(file, "1. Fix it");
    writePlanFile(file, "1. Fix it\n2. Test it");
    expect(readPlanFile(file)).toBe("1. Fix it\n2. Test it");
    expect(fs.readdirSync(path.dirname(file))).toEqual(["fix-login.md"]);
    const moved = planFilePath(root, "app", "login-fix");
    movePlanFile(file, moved);
    expect(readPlanFile(file)).toBeUndefined();
    expect(readPlanFile(moved)).toBe("1. Fix it\n2. Test it");
    movePlanFile(file, moved); // none left to move: nothing happens
    expect(readPlanFile(moved)).toBe("1. Fix it\n2. Test it");
  });
});
