import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DELTA_HOLD_MS, type DeltaLike, DeltaPacer } from "./deltaPacing.js";

const delta = (text: string, id = "t", type = "text-delta"): DeltaLike => ({ type, id, delta: text });

function pacer() {
  const passed: DeltaLike[] = [];
  const p = new DeltaPacer<DeltaLike>((part) => passed.push(part));
  return { p, passed, texts: () => passed.map((x) => (x.delta === undefined ? x.type : x.delta)) };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("DeltaPacer", () => {
  it("passes on at once every delta of a stream slower than the hold time", () => {
    const { p, texts } = pacer();
    for (const t of ["a", "b", "c"]) {
      p.push(delta(t));
      vi.advanceTimersByTime(DELTA_HOLD_MS);
    }
    expect(texts()).toEqual(["a", "b", "c"]);
  });

  it("joins the deltas of a faster stream, passing them on once the hold time is out", () => {
    const { p, texts } = pacer();
    p.push(delta("a"));
    p.push(delta("b"));
    vi.advanceTimersByTime(2);
    p.push(delta("c"));
    expect(texts()).toEqual(["a"]);
    vi.advanceTimersByTime(DELTA_HOLD_MS);
    expect(texts()).toEqual(["a", "bc"]);
  });

  it("keeps the order of parts: any other part, or another text, first passes on the delta held", () => {
    const { p, texts } = pacer();
    p.push(delta("a"));
    p.push(delta("b"));
    p.push({ type: "text-end", id: "t" });
    p.push(delta("r1", "r", "reasoning-delta"));
    p.push(delta("r2", "r", "reasoning-delta"));
    p.push(delta("x", "u"));
    p.release();
    expect(texts()).toEqual(["a", "b", "text-end", "r1r2", "x"]);
  });

  it("does not join deltas carrying provider metadata", () => {
    const { p, texts } = pacer();
    p.push(delta("a"));
    p.push({ ...delta("b"), providerMetadata: { p: { sig: "1" } } });
    p.push(delta("c"));
    p.release();
    expect(texts()).toEqual(["a", "b", "c"]);
  });
});
