import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EVENT_DOCS, eventTable, README_EVENTS_END, README_EVENTS_START } from "./eventDocs.js";
import { AgentEventSchema } from "./events.js";

const schemaTypes = AgentEventSchema.options.map((o) => o.shape.type.value);
const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

describe("the README's list of --json line types", () => {
  it("describes every type the event schema has, and no other", () => {
    expect(Object.keys(EVENT_DOCS).sort()).toEqual([...schemaTypes].sort());
  });

  it("is in the README as generated (run `npx tsx scripts/readmeEvents.ts` after changing the events)", () => {
    const start = readme.indexOf(README_EVENTS_START);
    const end = readme.indexOf(README_EVENTS_END);
    expect(start, "the README's json-events markers").toBeGreaterThanOrEqual(0);
    const block = readme.slice(start + README_EVENTS_START.length, end).trim();
    expect(block).toBe(eventTable());
    for (const type of schemaTypes)
      expect(
        block.split("\n").some((row) => row.startsWith(`| \`${type}\` `)),
        type,
      ).toBe(true);
  });
});
