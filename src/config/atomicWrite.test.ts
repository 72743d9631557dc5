import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "./atomicWrite.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "mux-atomic-"));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe("writeFileAtomic", () => {
  it("writes the content, creating missing parent directories", async () => {
    const file = path.join(dir, "a/b/providers.jsonc");
    await writeFileAtomic(file, '{ "openai": {} }\n');
    expect(fs.readFileSync(file, "utf8")).toBe('{ "openai": {} }\n');
  });

  it("writes Buffers byte for byte", async () => {
    const file = path.join(dir, "bin");
    const data = Buffer.from([0, 1, 2, 255, 10, 13]);
    await writeFileAtomic(file, data);
    expect(fs.readFileSync(file)).toEqual(data);
  });

  it("creates the file with mode 0600 when asked", async () => {
    const file = path.join(dir, "secret");
    await writeFileAtomic(file, "sk-secret", { mode: 0o600 });
    expect(modeOf(file)).toBe(0o600);
  });

  it("applies the requested mode to an existing, more open file", async () => {
    const file = path.join(dir, "secret");
    fs.writeFileSync(file, "old");
    fs.chmodSync(file, 0o644);
    await writeFileAtomic(file, "new", { mode: 0o600 });
    expect(modeOf(file)).toBe(0o600);
    expect(fs.readFileSync(file, "utf8")).toBe("new");
  });

  it("keeps an existing file's mode when none is asked for", async () => {
    const file = path.join(dir, "run.sh");
    fs.writeFileSync(file, "#!/bin/sh\necho old\n");
    fs.chmodSync(file, 0o751);
    await writeFileAtomic(file, "#!/bin/sh\necho new\n");
    expect(modeOf(file)).toBe(0o751);
    expect(fs.readFileSync(file, "utf8")).toBe("#!/bin/sh\necho new\n");
  });

  it("replaces an existing file's content entirely (a shorter write leaves no tail)", async () => {
    const file = path.join(dir, "f.txt");
    fs.writeFileSync(file, "a much longer old content\n");
    await writeFileAtomic(file, "short\n");
    expect(fs.readFileSync(file, "utf8")).toBe("short\n");
  });

  it("leaves no temp files behind", async () => {
    const file = path.join(dir, "f.txt");
    await writeFileAtomic(file, "one");
    await writeFileAtomic(file, "two", { mode: 0o600 });
    expect(fs.readdirSync(dir)).toEqual(["f.txt"]);
  });

  it("leaves no temp file behind when the rename fails", async () => {
    const target = path.join(dir, "is-a-dir");
    fs.mkdirSync(path.join(target, "child"), { recursive: true });
    await expect(writeFileAtomic(target, "x")).rejects.toThrow();
    expect(fs.readdirSync(dir)).toEqual(["is-a-dir"]);
  });

  it("leaves no temp file behind when writing the content fails", async () => {
    const file = path.join(dir, "f.txt");
    // Not a string or Buffer: the write into the temp file throws.
    await expect(writeFileAtomic(file, 42 as unknown as string)).rejects.toThrow();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("replaces by rename: a reader holding the old file still reads the old content", async () => {
    const file = path.join(dir, "f.txt");
    fs.writeFileSync(file, "old content");
    const fd = fs.openSync(file, "r");
    try {
      await writeFileAtomic(file, "new content");
      // The old inode was never written to: whoever had it open sees the old content, whole.
      expect(fs.readFileSync(fd, "utf8")).toBe("old content");
      expect(fs.readFileSync(file, "utf8")).toBe("new content");
    } finally {
      fs.closeSync(fd);
    }
  });

  it("concurrent writers of different content end with one complete content, never a mix", async () => {
    const file = path.join(dir, "f.txt");
    const contents = Array.from({ length: 20 }, (_, i) => `${String.fromCharCode(97 + i)}`.repeat(64 * 1024 + i));
    await Promise.all(contents.map((c) => writeFileAtomic(file, c)));
    expect(contents).toContain(fs.readFileSync(file, "utf8"));
    expect(fs.readdirSync(dir)).toEqual(["f.txt"]);
  });

  it("never exposes a partially written file to a concurrent reader", async () => {
    const file = path.join(dir, "f.txt");
    const a = "a".repeat(256 * 1024);
    const b = "b".repeat(256 * 1024);
    fs.writeFileSync(file, a);
    let stop = false;
    const seen = new Set<string>();
    const reader = (async () => {
      while (!stop) {
        const text = fs.readFileSync(file, "utf8");
        seen.add(text === a ? "a" : text === b ? "b" : `torn(${text.length})`);
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 0; i < 20; i++) await writeFileAtomic(file, i % 2 ? a : b);
    stop = true;
    await reader;
    expect([...seen].filter((s) => s.startsWith("torn"))).toEqual([]);
  });
});
