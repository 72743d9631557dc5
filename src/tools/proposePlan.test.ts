import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { proposePlanTool as tool } from "./proposePlan.js";
import { createTestWorkspace, type TestWorkspace } from "./testing.js";

let ws: TestWorkspace;
beforeEach(async () => {
  ws = await createTestWorkspace();
});
afterEach(async () => {
  await ws.cleanup();
});

describe("propose_plan", () => {
  it("stores the plan in the session and ends the turn", async () => {
    const r = await ws.run(tool, { plan: "# Plan\n\n1. Do it" });
    expect(r).toMatchObject({ status: "plan saved" });
    expect(ws.session.plan).toBe("# Plan\n\n1. Do it");
    expect(tool.endsTurn).toBe(true);
    expect(tool.mutates).toBe(false);
  });

  it("keeps the plan as a file the user can edit, and says where", async () => {
    const saved: string[] = [];
    ws.session.savePlan = (plan) => (saved.push(plan), "/plans/app/fix.md");
    const r = await ws.run(tool, { plan: "1. Do it" });
    expect(saved).toEqual(["1. Do it"]);
    expect(r).toMatchObject({ status: "plan saved", planFile: "/plans/app/fix.md" });
  });

  it("refuses an empty plan", async () => {
    await expect(ws.run(tool, { plan: "   " })).rejects.toThrow(/must not be empty/);
    expect(ws.session.plan).toBeUndefined();
  });
});
