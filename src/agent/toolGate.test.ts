import { describe, expect, it } from "vitest";
import { ToolGate } from "./toolGate.js";

describe("ToolGate", () => {
  it("resolves a waiting execute with the outcome posted for its call", async () => {
    const gate = new ToolGate<string>();
    const a = gate.wait("a");
    const b = gate.wait("b");
    expect(gate.pending).toBe(2);
    gate.resolve("b", "B");
    gate.resolve("a", "A");
    await expect(a).resolves.toBe("A");
    await expect(b).resolves.toBe("B");
    expect(gate.pending).toBe(0);
  });

  it("keeps an outcome posted before its execute asks for it", async () => {
    const gate = new ToolGate<string>();
    gate.resolve("a", "A");
    gate.reject("b", new Error("not run"));
    await expect(gate.wait("a")).resolves.toBe("A");
    await expect(gate.wait("b")).rejects.toThrow("not run");
  });

  it("the first outcome posted for a call wins", async () => {
    const gate = new ToolGate<string>();
    gate.resolve("a", "A");
    gate.reject("a", new Error("too late"));
    await expect(gate.wait("a")).resolves.toBe("A");
    const b = gate.wait("b");
    gate.reject("b", new Error("not run"));
    gate.resolve("b", "B");
    await expect(b).rejects.toThrow("not run");
  });

  it("rejectAll fails every execute still waiting", async () => {
    const gate = new ToolGate<string>();
    const a = gate.wait("a");
    const b = gate.wait("b");
    gate.rejectAll(new Error("session over"));
    await expect(a).rejects.toThrow("session over");
    await expect(b).rejects.toThrow("session over");
    expect(gate.pending).toBe(0);
  });
});
