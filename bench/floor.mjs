#!/usr/bin/env node
// The "floor" contestant of `npm run bench`: the simplest realistic agent loop one would write
// with the AI SDK — one streamText call with a bash tool and a step limit, printing text as it
// streams. Plain JS run with `node` straight from node_modules (no bundling), so it measures
// what the SDK itself costs per turn, at start-up and in memory.
//
// Usage: OPENAI_BASE_URL=... OPENAI_API_KEY=... node bench/floor.mjs "prompt"
import { execFile } from "node:child_process";
import { createOpenAI } from "@ai-sdk/openai";
import { stepCountIs, streamText, tool } from "ai";
import { z } from "zod";

const prompt = process.argv.slice(2).join(" ") || "run the echo steps";
const openai = createOpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: process.env.OPENAI_API_KEY });

const bash = tool({
  description: "Run a bash script in the current directory and return its output.",
  inputSchema: z.object({ script: z.string() }),
  execute: ({ script }) =>
    new Promise((resolve) => {
      execFile("bash", ["-c", script], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        resolve(err ? `${stdout}${stderr}\nexit: ${err.code ?? err.signal}` : stdout);
      });
    }),
});

const result = streamText({
  model: openai.responses("gpt-5"),
  tools: { bash },
  stopWhen: stepCountIs(30),
  providerOptions: { openai: { store: false } },
  prompt,
});

for await (const part of result.fullStream) {
  if (part.type === "text-delta") process.stdout.write(part.text);
  else if (part.type === "error") throw part.error;
}
process.stdout.write("\n");
