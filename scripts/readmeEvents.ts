// Rewrites the README's table of `mux run --json` line types from src/agent/eventDocs.ts
// (the block between its markers). Run: npx tsx scripts/readmeEvents.ts
import { readFileSync, writeFileSync } from "node:fs";
import { eventTable, README_EVENTS_END, README_EVENTS_START } from "../src/agent/eventDocs.js";

const file = new URL("../README.md", import.meta.url);
const readme = readFileSync(file, "utf8");
const start = readme.indexOf(README_EVENTS_START);
const end = readme.indexOf(README_EVENTS_END);
if (start < 0 || end < start) throw new Error(`README.md has no block between ${README_EVENTS_START} and ${README_EVENTS_END}`);
const block = `${README_EVENTS_START}\n\n${eventTable()}\n\n`;
writeFileSync(file, readme.slice(0, start) + block + readme.slice(end));
