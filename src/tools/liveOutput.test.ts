import { describe, expect, it, vi } from "vitest";
import { LIVE_BUDGET_CHARS, LIVE_INTERVAL_MS, LIVE_MAX_CHARS, LiveOutput } from "./liveOutput.js";

function setup() {
  let now = 0;
  const sent: { stream: string; text: string }[] = [];
  const live = new LiveOutput(
    (stream, text) => sent.push({ stream, text }),
    () => now,
  );
  return { live, sent, advance: (ms: number) => ((now += ms), vi.advanceTimersByTime(ms)), text: () => sent.map((s) => s.text).join("") };
}

describe("LiveOutput", () => {
  it("sends a quiet command's output at once and in order, stdout and stderr apart", () => {
    vi.useFakeTimers();
    try {
      const { live, sent } = setup();
      live.push("stdout", "building\n");
      expect(sent).toEqual([{ stream: "stdout", text: "building\n" }]);
      live.push("stderr", "warning\n");
      live.push("stdout", "done\n");
      live.finish();
      expect(sent.slice(1)).toEqual([
        { stream: "stderr", text: "warning\n" },
        { stream: "stdout", text: "done\n" },
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("coalesces a flood into few updates that carry its latest text and say how much was skipped", () => {
    vi.useFakeTimers();
    try {
      const { live, sent, advance, text } = setup();
      const line = `${"y".repeat(99)}\n`;
      // 10 MB arriving over one simulated second.
      for (let t = 0; t < 1000; t++) {
        for (let i = 0; i < 100; i++) live.push("stdout", line);
        advance(1);
      }
      live.push("stdout", "LAST\n");
      live.finish();
      expect(sent.length).toBeLessThanOrEqual(2 * (1000 / LIVE_INTERVAL_MS) + 2);
      expect(text().length).toBeLessThan(LIVE_BUDGET_CHARS + 2 * LIVE_MAX_CHARS);
      expect(text()).toMatch(/\[\.\.\. [\d.]+ [KM]B of output not shown live \.\.\.\]\n/);
      expect(text().endsWith("LAST\n")).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("says once that binary output is not shown, instead of streaming its bytes", () => {
    const { live, sent } = setup();
    live.markBinary();
    live.push("stdout", "\u0000\u0000");
    live.markBinary();
    live.finish();
    expect(sent).toEqual([{ stream: "stdout", text: "[binary output (NUL bytes): not shown]\n" }]);
  });
});
