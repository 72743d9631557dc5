/**
 * Shared set-up of the browser end-to-end tests (and bench/ui.ts): one fake LLM provider, one temp
 * MUX_ROOT, one built `mux server` serving a private copy of dist/web, and one headless Chromium.
 * Not a test file itself (vitest only picks up *.test.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import type { ChatMessage } from "../../src/agent/messages.js";
import { type FakeProvider, type FakeTurn, type RecordedRequest, startFakeProvider } from "../fake-provider/index.js";
import { launchBrowser, newContext } from "../helpers/browser.js";
import { REPO_ROOT, tempDirs } from "../helpers/mux.js";
import { type Connection, connect, type ServerProcess, startServer } from "../helpers/server.js";

// The tests typecheck against the Node lib only; these exist in the page, where callbacks run.
declare const document: any;

/** Generous: two cores, and vitest runs two files at once. */
export const UI_TIMEOUT = 20_000;

/** expect.poll with the UI timeout (vitest's default, 1 s, is too short on a busy machine). */
export const poll = <T>(fn: () => T | Promise<T>, opts: { timeout?: number; message?: string } = {}) =>
  expect.poll(fn, { timeout: opts.timeout ?? UI_TIMEOUT, interval: 50, message: opts.message });

let privateWeb: string | undefined;

/** A private copy of the built web app, so a rebuild meanwhile cannot pull files from under the server. */
export function webDir(): string {
  if (!privateWeb) {
    const src = path.join(REPO_ROOT, "dist", "web");
    if (!fs.existsSync(path.join(src, "index.html"))) throw new Error("dist/web is not built: run node scripts/build.mjs");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mux-web-"));
    fs.cpSync(src, dir, { recursive: true });
    privateWeb = dir;
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return privateWeb;
}

export interface AppOptions {
  /** The fake provider's expected key (null: any); also ANTHROPIC_API_KEY of the server unless `env` says otherwise. */
  key?: string | null;
  /** Extra server environment; gets the fake provider's URL. */
  env?: (fakeUrl: string) => Record<string, string | undefined>;
  /** Runs before the server starts (write providers.jsonc, chat.jsonl…). */
  before?: (dirs: ReturnType<typeof tempDirs>) => Promise<void> | void;
  /** Skip launching Chromium (benchmarks that launch their own). */
  noBrowser?: boolean;
}

export interface App {
  dirs: ReturnType<typeof tempDirs>;
  fake: FakeProvider;
  server: ServerProcess;
  browser: Browser;
  /** A Node API client on its own WebSocket (set-up and checks, not what the user sees). */
  api(): Promise<Connection["api"]>;
  /**
   * A new browser tab, signed in (its first visit carries ?token=, which sets the cookie), showing
   * `hash` (e.g. `#/w/<id>`) when given; `onPage` runs (and is awaited: an init script must be
   * registered before the page loads) before the first navigation.
   */
  open(opts?: { context?: BrowserContext; hash?: string; onPage?: (page: Page) => unknown }): Promise<Page>;
  close(): Promise<void>;
}

export const DEFAULT_KEY = "sk-ant-browser-e2e-0123456789abcdef";

export async function startApp(opts: AppOptions = {}): Promise<App> {
  const key = opts.key === undefined ? DEFAULT_KEY : opts.key;
  const fake = await startFakeProvider({ token: key });
  const dirs = tempDirs();
  const cleanup: (() => Promise<unknown> | void)[] = [() => fake.close(), () => dirs.cleanup()];
  try {
    await opts.before?.(dirs);
    const env = {
      ANTHROPIC_API_KEY: key ?? "sk-ant-any",
      ANTHROPIC_BASE_URL: fake.url,
      MUX_WEB_DIR: webDir(),
      ...opts.env?.(fake.url),
    };
    const server = await startServer({ muxRoot: dirs.muxRoot, env });
    cleanup.unshift(() => server.stop());
    const browser = opts.noBrowser ? (null as unknown as Browser) : await launchBrowser();
    if (browser) cleanup.unshift(() => browser.close());
    let conn: Connection | undefined;
    cleanup.unshift(() => conn?.close());
    return {
      dirs,
      fake,
      server,
      browser,
      async api() {
        conn ??= await connect(server);
        return conn.api;
      },
      async open({ context, hash = "", onPage } = {}) {
        const ctx = context ?? (await newContext(browser));
        const page = await ctx.newPage();
        page.setDefaultTimeout(UI_TIMEOUT);
        await onPage?.(page);
        await page.goto(`${server.url}?token=${server.token}${hash}`);
        await page.getByTestId("connection-status").and(page.locator("[data-status=open]")).waitFor();
        await page.getByTestId("sidebar-loading").waitFor({ state: "detached" });
        return page;
      },
      async close() {
        for (const fn of cleanup) await Promise.resolve(fn()).catch(() => {});
      },
    };
  } catch (e) {
    for (const fn of cleanup) await Promise.resolve(fn()).catch(() => {});
    throw e;
  }
}

/** The text the user typed last in this request (Anthropic wire format), ignoring tool results. */
export function lastUserText(req: RecordedRequest): string {
  const messages: any[] = Array.isArray(req.body?.messages) ? req.body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role !== "user") continue;
    if (typeof m.content === "string") return m.content;
    const text = (Array.isArray(m.content) ? m.content : [])
      .filter((b: any) => b?.type === "text")
      .map((b: any) => b.text)
      .join("");
    if (text) return text;
  }
  return "";
}

/** A slow text turn: `text` streamed `chunkSize` characters every `delayMs`. */
export const slowText = (text: string, delayMs = 40, chunkSize = 8): FakeTurn => ({ text, chunkSize, chunkDelayMs: delayMs });

/**
 * The answer text of the last assistant message as shown (its Markdown blocks, `.mux-md`, without
 * tool cards, footer or marks), whitespace collapsed.
 */
export async function lastAssistantText(page: Page): Promise<string> {
  const texts = await page.getByTestId("message-assistant").last().locator(".mux-md").allTextContents();
  return texts.join(" ").replace(/\s+/g, " ").trim();
}

/** The number of elements in the page. */
export const domNodes = (page: Page) => page.evaluate(() => document.getElementsByTagName("*").length as number);

/**
 * A user/assistant message pair for a chat.jsonl written directly (the shape src/agent/messages.ts
 * stores). Like a coding agent's chat: every 4th answer ran a bash tool, every 10th shows code.
 */
export function chatPair(i: number, t0: number): ChatMessage[] {
  const at = t0 + i * 2_000;
  const parts: ChatMessage["parts"] = [{ type: "step-start" }];
  if (i % 4 === 0) {
    const output = Array.from({ length: 6 }, (_, k) => `step ${i}: line ${k + 1} of the test output`).join("\n");
    parts.push(
      {
        type: "tool",
        toolCallId: `toolu_${i}`,
        toolName: "bash",
        state: "done",
        input: { script: `npm test -- step-${i}` },
        output: { exitCode: 0, output },
        durationMs: 840,
      },
      { type: "step-start" },
    );
  }
  let text = `Answer number ${i}. Step ${i} reads the **input**, checks it and writes \`out-${i}.txt\`.\n\nNothing else changes.`;
  if (i % 10 === 0) text += `\n\n\`\`\`ts\nexport function step${i}(input: string): string {\n  return input.trim();\n}\n\`\`\``;
  parts.push({ type: "text", text });
  return [
    { id: `u${i}`, role: "user", createdAt: at, parts: [{ type: "text", text: `Question number ${i}: what does step ${i} do?` }] },
    {
      id: `a${i}`,
      role: "assistant",
      createdAt: at + 1_000,
      parts,
      metadata: {
        model: "anthropic:claude-sonnet-4-5",
        mode: "exec",
        status: "complete",
        finishReason: "stop",
        usage: { inputTokens: 120, outputTokens: 40, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
        costUsd: 0.0009,
      },
    },
  ];
}

/** Writes `pairs` question/answer pairs as the chat of a workspace (before the server starts). */
export function writeChat(muxRoot: string, workspaceId: string, pairs: number): number {
  const dir = path.join(muxRoot, "sessions", workspaceId);
  fs.mkdirSync(dir, { recursive: true });
  const t0 = Date.now() - pairs * 2_000 - 60_000;
  const lines: string[] = [];
  for (let i = 1; i <= pairs; i++) for (const m of chatPair(i, t0)) lines.push(JSON.stringify(m));
  fs.writeFileSync(path.join(dir, "chat.jsonl"), `${lines.join("\n")}\n`);
  return lines.length;
}
