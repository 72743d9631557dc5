import { afterEach, describe, expect, it, vi } from "vitest";
import { IdleCollector } from "./idleGc.js";

afterEach(() => vi.useRealTimers());

describe("IdleCollector", () => {
  it("collects once, after the last of several turns ended and none ran for the quiet time", () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    const idle = new IdleCollector(() => false, 2_000, collect);
    idle.turnEnded();
    vi.advanceTimersByTime(1_500);
    idle.turnEnded(); // another turn ended: the quiet time starts again
    vi.advanceTimersByTime(1_500);
    expect(collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(500);
    expect(collect).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(collect).toHaveBeenCalledTimes(1);
  });

  it("does not collect while a turn runs; the next turn to end schedules it again", () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    let busy = true;
    const idle = new IdleCollector(() => busy, 2_000, collect);
    idle.turnEnded();
    vi.advanceTimersByTime(5_000);
    expect(collect).not.toHaveBeenCalled();
    busy = false;
    idle.turnEnded();
    vi.advanceTimersByTime(2_000);
    expect(collect).toHaveBeenCalledTimes(1);
  });

  it("dispose cancels a collection not yet run", () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    const idle = new IdleCollector(() => false, 2_000, collect);
    idle.turnEnded();
    idle.dispose();
    vi.advanceTimersByTime(5_000);
    expect(collect).not.toHaveBeenCalled();
  });

  it("its default collection is V8's full one: an object nothing refers to is gone after it", async () => {
    let collected = false;
    const registry = new FinalizationRegistry(() => {
      collected = true;
    });
    (() => registry.register({ big: new Array(1000).fill(1) }, "x"))();
    await new Promise((r) => setTimeout(r, 0));
    const idle = new IdleCollector(() => false, 0);
    idle.turnEnded();
    await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 0)); // finalizers run in a later task
    expect(collected).toBe(true);
  });
});
