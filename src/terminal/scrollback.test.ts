import { describe, expect, it } from "vitest";
import { Scrollback } from "./scrollback.js";

describe("Scrollback", () => {
  it("keeps at most its limit, dropping the oldest bytes", () => {
    const s = new Scrollback(10);
    s.push(Buffer.from("abcdef"));
    s.push(Buffer.from("ghijkl"));
    expect(s.bytes).toBe(10);
    expect(s.end).toBe(12);
    expect(s.since(undefined)).toEqual({ offset: 2, reset: true, data: Buffer.from("cdefghijkl") });
  });

  it("keeps the tail of a chunk bigger than the whole limit", () => {
    const s = new Scrollback(4);
    s.push(Buffer.from("0123456789"));
    expect(s.since(undefined).data.toString()).toBe("6789");
  });

  it("gives a client that reconnects only what it missed, or everything after a reset", () => {
    const s = new Scrollback(8);
    s.push(Buffer.from("hello "));
    expect(s.since(6)).toEqual({ offset: 6, reset: false, data: Buffer.alloc(0) });
    s.push(Buffer.from("you"));
    expect(s.since(6)).toMatchObject({ offset: 6, reset: false });
    expect(s.since(6).data.toString()).toBe("you");
    // Byte 0 was trimmed away, and 99 never existed: both start over.
    expect(s.since(0)).toMatchObject({ offset: 1, reset: true });
    expect(s.since(99)).toMatchObject({ offset: 1, reset: true });
  });
});
