import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { removeFile, removeFileLater } from "./removeFile.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-remove-file-"));
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("removeFile", () => {
  it("deletes a file, and a file already gone is no error", async () => {
    fs.mkdirSync(root, { recursive: true });
    const a = path.join(root, "a");
    const b = path.join(root, "b");
    fs.writeFileSync(a, "x");
    fs.writeFileSync(b, "x");
    removeFile(a);
    removeFile(a);
    expect(fs.existsSync(a)).toBe(false);
    await new Promise<void>((resolve, reject) => removeFileLater(b, (err) => (err ? reject(err) : resolve())));
    await new Promise<void>((resolve, reject) => removeFileLater(b, (err) => (err ? reject(err) : resolve())));
    expect(fs.existsSync(b)).toBe(false);
  });

  it("reports what keeps a path from being removed (a directory is not a file)", () => {
    fs.mkdirSync(path.join(root, "dir"), { recursive: true });
    expect(() => removeFile(path.join(root, "dir"))).toThrow(/EISDIR|EPERM/);
  });
});
