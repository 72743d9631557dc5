/**
 * `npm run bench:compaction`: what a `/compact` of a long chat costs beyond its one request.
 *
 * Writes a 2,000-message chat (1,000 turns, each answer with a tool call) and a 2-message one,
 * then runs `mux run --session S --json -m sonnet "/compact"` on the long one and the same
 * command with an ordinary message on the short one, against the fake provider (which answers
 * at once, with the same short text). Both runs make one request; the difference of their
 * medians is Mux's own time for the long chat's compaction (load, building the summary request,
 * storing the summary), and the difference of their CPU times the same measured less disturbed
 * by a busy machine. Target (issue 12): one round trip plus < 200 ms of our own time.
 * Flags: --runs N (7), --messages N (2000), --base PATH (another build's dist/mux.js, e.g. main's,
 * measured alternately in the same run).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type ChatMessage, newUserMessage } from "../src/agent/messages.js";
import { SessionStore } from "../src/history/sessionStore.js";
import { readThenAnswer } from "./chatFixture.js";
import { startFakeProvider } from "../test/fake-provider/server.js";
import { killAllChildren, median, runChild } from "./measure.js";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const RUNS = flag("--runs", 7);
const MESSAGES = flag("--messages", 2000);
const TOKEN = "sk-ant-bench-compaction-0123456789";
const MUX = path.resolve(import.meta.dirname, "../dist/mux.js");
/** Another build's dist/mux.js, measured in the same run (alternating with this one). */
const BASE = process.argv.includes("--base") ? path.resolve(process.argv[process.argv.indexOf("--base") + 1]) : undefined;

function turn(t: number): ChatMessage[] {
  return [
    newUserMessage(`Step ${t}: look at src/file${t}.ts and fix what is wrong with it.`),
    readThenAnswer(t, { readLines: 20, text: `Fixed src/file${t}.ts: ${"it now checks its input. ".repeat(8)}` }),
  ];
}

function writeChat(root: string, id: string, turns: number): void {
  const store = SessionStore.forSession(path.join(root, "sessions"), id);
  for (let t = 0; t < turns; t++) for (const m of turn(t)) store.append(m);
}

interface Build {
  label: string;
  bin: string;
  /** Wall and CPU ms of each run: the short chat's message and the long chat's /compact. */
  short: number[];
  long: number[];
  shortCpu: number[];
  longCpu: number[];
}

function report(b: Build): void {
  const own = median(b.long) - median(b.short);
  const ownCpu = median(b.longCpu) - median(b.shortCpu);
  console.log(`${b.label}:`);
  console.log(`  2-message chat, one message:  ${median(b.short).toFixed(0)} ms (CPU ${median(b.shortCpu).toFixed(0)} ms)`);
  console.log(`  ${MESSAGES}-message chat, /compact: ${median(b.long).toFixed(0)} ms (CPU ${median(b.longCpu).toFixed(0)} ms)`);
  // CPU time is what the machine's other work disturbs least (the wall time also waits for it).
  console.log(`  Mux's own time for the long chat: ${own.toFixed(0)} ms, CPU ${ownCpu.toFixed(0)} ms (target < 200) ${own < 200 ? "PASS" : "MISS"}`);
}

async function main() {
  const builds: Build[] = [{ label: "this build", bin: MUX, short: [], long: [], shortCpu: [], longCpu: [] }];
  if (BASE) builds.unshift({ label: `base ${BASE}`, bin: BASE, short: [], long: [], shortCpu: [], longCpu: [] });
  for (const b of builds) if (!fs.existsSync(b.bin)) throw new Error(`${b.bin} is missing: build first (node scripts/build.mjs)`);
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "mux-bench-compaction-"));
  const fake = await startFakeProvider({ token: TOKEN });
  fake.setResponder(() => ({ text: "Summary: the files were fixed one by one; nothing is left to do." }));
  const env = { ...process.env, ANTHROPIC_API_KEY: TOKEN, ANTHROPIC_BASE_URL: fake.url };
  try {
    for (let r = 0; r < RUNS; r++) {
      for (const [i, b] of builds.entries()) {
        const root = path.join(base, `run-${r}-${i}`);
        writeChat(root, "long", MESSAGES / 2);
        writeChat(root, "short", 1);
        const run = async (session: string, text: string, cpu: number[]) => {
          const before = fake.requests.length;
          const child = await runChild({
            args: [b.bin, "run", "--json", "--dir", base, "-m", "sonnet", "--session", session, text],
            cwd: base,
            env: { ...env, MUX_ROOT: root },
            timeoutMs: 120_000,
          });
          if (child.code !== 0) throw new Error(`mux run exited ${child.code}: ${child.stderr}`);
          if (fake.requests.length - before !== 1) throw new Error(`expected one request, saw ${fake.requests.length - before}`);
          if (child.cpuMs !== undefined) cpu.push(child.cpuMs);
          return child.exitAt - child.spawnAt;
        };
        // Alternated, so a busy moment of the machine hits both alike.
        b.short.push(await run("short", "hello", b.shortCpu));
        b.long.push(await run("long", "/compact", b.longCpu));
      }
    }
  } finally {
    killAllChildren();
    await fake.close();
    fs.rmSync(base, { recursive: true, force: true });
  }
  console.log(`/compact of a ${MESSAGES}-message chat (one request each; median of ${RUNS} runs, load ${os.loadavg()[0].toFixed(2)}):`);
  for (const b of builds) report(b);
}

main().catch((err) => {
  killAllChildren();
  console.error(err);
  process.exit(1);
});
