/**
 * `npm run bench:images`: how much do images slow down loading a chat?
 *
 * Writes a chat of 200 messages (100 turns, each answer with a tool call), then the same chat
 * with one image in 20 of its user messages (each ~600 kB, about a screenshot scaled to 2048 px,
 * stored inline as the original Mux stores them), in Mux's format and in the original's. Measures
 * the median of `--runs` loads (SessionStore.load, as the server and `mux run --session` do) of
 * each, and the size of the snapshot the server sends a browser (the newest 50 messages): with
 * the images inline, as before, and as links (what the server sends now; see imageLinks.ts).
 * Flags: --runs N (15), --images N (20), --json.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { type ChatMessage, newUserMessage } from "../src/agent/messages.js";
import { imagePart } from "../src/api/images.js";
import { SessionStore } from "../src/history/sessionStore.js";
import { readThenAnswer } from "./chatFixture.js";
import { linkImages } from "../src/session/imageLinks.js";
import { makePng } from "../test/helpers/images.js";
import { median } from "./measure.js";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const RUNS = flag("--runs", 15);
const IMAGES = flag("--images", 20);
const TURNS = 100;

function chat(withImages: boolean): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (let t = 0; t < TURNS; t++) {
    // Each image differs (a different size), as real screenshots would.
    const images =
      withImages && t % Math.floor(TURNS / IMAGES) === 0
        ? [imagePart({ mediaType: "image/png", data: makePng(440 + t, 440, { noise: true }).toString("base64"), filename: `shot-${t}.png` })]
        : [];
    messages.push(newUserMessage(`Question ${t}: what does src/file${t}.ts do? `.repeat(3), images));
    messages.push(
      readThenAnswer(t, {
        readLines: 40,
        text: `It defines x. ${"Some explanation. ".repeat(30)}`,
        usage: { inputTokens: 1000, outputTokens: 100, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      }),
    );
  }
  return messages;
}

function write(dir: string, messages: ChatMessage[]): SessionStore {
  const store = new SessionStore(dir);
  store.load();
  for (const m of messages) store.append(m);
  return store;
}

/** Median wall and CPU time (ms) of loading the chat; CPU time says more on a busy machine. */
function loadMs(dir: string): { wall: number; cpu: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const loaded = new SessionStore(dir).load();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (loaded.messages.length !== TURNS * 2 || loaded.warnings.length) {
      throw new Error(`wrong load: ${loaded.messages.length} messages, ${loaded.warnings.join("; ")}`);
    }
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-bench-images-"));
try {
  const rows: { chat: string; format: string; fileMB: number; loadMs: number; loadCpuMs: number; inlineSnapshotMB: number; snapshotMB: number }[] = [];
  for (const [format, id] of [
    ["Mux", "Kx3_9fQ-aZ"],
    ["original", "0a1b2c3d4e"],
  ] as const) {
    for (const withImages of [false, true]) {
      const dir = path.join(root, withImages ? "img" : "txt", "sessions", id);
      const store = write(dir, chat(withImages));
      const loaded = store.load().messages;
      const times = loadMs(dir);
      rows.push({
        chat: withImages ? `${IMAGES} images` : "no images",
        format,
        fileMB: fs.statSync(store.chatFile).size / 1e6,
        loadMs: times.wall,
        loadCpuMs: times.cpu,
        inlineSnapshotMB: JSON.stringify(loaded.slice(-50)).length / 1e6,
        snapshotMB: JSON.stringify(loaded.slice(-50).map((m) => linkImages(m, id))).length / 1e6,
      });
    }
  }
  if (process.argv.includes("--json")) console.log(JSON.stringify(rows));
  else {
    console.log(`Loading a chat of ${TURNS * 2} messages (median of ${RUNS}):`);
    for (const r of rows) {
      console.log(
        `  ${r.format.padEnd(8)} ${r.chat.padEnd(10)} chat.jsonl ${r.fileMB.toFixed(1).padStart(5)} MB  load ${r.loadMs.toFixed(1).padStart(6)} ms (CPU ${r.loadCpuMs.toFixed(1).padStart(6)} ms)  ` +
          `snapshot ${r.snapshotMB.toFixed(3)} MB (images inline: ${r.inlineSnapshotMB.toFixed(3)} MB)`,
      );
    }
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
