import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ChatMessageSchema } from "../../src/agent/messages.js";
import type { FakeProvider } from "../fake-provider/index.js";
import { imageHeaders, makePng } from "../helpers/images.js";
import { lastEvent, runMux, writeProviders } from "../helpers/mux.js";
import { fakeProviderSuite, type TempDirs } from "../helpers/suite.js";

const KEY = "sk-images-test-0123456789abcdef";

let fake: FakeProvider;
let dirs: TempDirs;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
});

const env = () => ({
  MUX_ROOT: dirs.muxRoot,
  ANTHROPIC_API_KEY: KEY,
  ANTHROPIC_BASE_URL: fake.url,
  OPENAI_API_KEY: KEY,
  OPENAI_BASE_URL: `${fake.url}/v1`,
});
const run = (args: string[]) => runMux(["run", "--dir", dirs.workspace, "--json", ...args], { env: env() });

/** Writes an image file under the test's temp directory. */
function imageFile(name: string, bytes: Buffer): string {
  const file = path.join(dirs.base, name);
  fs.writeFileSync(file, bytes);
  return file;
}

function storedChat(sessionId: string) {
  return fs
    .readFileSync(path.join(dirs.muxRoot, "sessions", sessionId, "chat.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => ChatMessageSchema.parse(JSON.parse(l)));
}

const localProvider = (models: string) =>
  `{ "local": { "providerType": "openai-compatible", "baseUrl": "${fake.url}/v1", "apiKey": "${KEY}", "models": ${models} } }`;

describe("mux run --image", () => {
  const shot = () => makePng(40, 30);

  it.each([
    ["Anthropic Messages", "sonnet", "anthropic", ""],
    ["OpenAI Responses", "openai:gpt-5", "openai-responses", ""],
    ["OpenAI Chat Completions", "openai:gpt-5", "openai-chat", `{ "openai": { "wireFormat": "chatCompletions" } }`],
  ])("sends the images to %s in its own image format, and stores them with the chat", async (_name, model, protocol, providers) => {
    if (providers) writeProviders(dirs.muxRoot, providers);
    const { gif } = imageHeaders(8, 8);
    const png = imageFile("shot.png", shot());
    const second = imageFile("anim.gif", gif);
    const r = await run(["-m", model, "--image", png, "--image", second, "what is in these?"]);
    expect(r.code, r.stderr).toBe(0);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].protocol).toBe(protocol);
    expect(fake.requests[0].images).toEqual([
      { mediaType: "image/png", data: shot().toString("base64") },
      { mediaType: "image/gif", data: gif.toString("base64") },
    ]);
    expect(JSON.stringify(fake.requests[0].body)).toContain("what is in these?");

    // Stored as the original Mux stores images: file parts holding data: URLs, after the text.
    const sessionId = lastEvent(r.events, "run-complete")?.sessionId as string;
    const [user] = storedChat(sessionId);
    expect(user.parts).toEqual([
      { type: "text", text: "what is in these?" },
      { type: "file", mediaType: "image/png", url: `data:image/png;base64,${shot().toString("base64")}`, filename: "shot.png" },
      { type: "file", mediaType: "image/gif", url: `data:image/gif;base64,${gif.toString("base64")}`, filename: "anim.gif" },
    ]);

    // The next turn of the chat sends the image again, as part of the history.
    const next = await run(["-m", model, "--session", sessionId, "and now?"]);
    expect(next.code, next.stderr).toBe(0);
    expect(fake.requests[1].images.map((i) => i.mediaType)).toEqual(["image/png", "image/gif"]);
  });

  it("an image alone is a message", async () => {
    const r = await run(["-m", "sonnet", "--image", imageFile("only.png", shot())]);
    expect(r.code, r.stderr).toBe(0);
    expect(fake.requests[0].images).toHaveLength(1);
  });

  it("a model that takes no images is refused clearly, before any request", async () => {
    writeProviders(dirs.muxRoot, localProvider(`["coder"]`));
    const r = await run(["-m", "local:coder", "--image", imageFile("shot.png", shot()), "look"]);
    expect(r.code).toBe(1);
    expect(lastEvent(r.events, "error")).toMatchObject({
      kind: "usage",
      message: expect.stringContaining("local:coder does not take images: pick a model that does"),
    });
    expect(lastEvent(r.events, "error")?.message).toContain(`{ "id": "coder", "images": true }`);
    expect(fake.requests).toHaveLength(0);
  });

  it("a custom model declared to take images gets them, in the Chat Completions format", async () => {
    writeProviders(dirs.muxRoot, localProvider(`[{ "id": "llava", "images": true }]`));
    const r = await run(["-m", "local:llava", "--image", imageFile("shot.png", shot()), "look"]);
    expect(r.code, r.stderr).toBe(0);
    expect(fake.requests[0].protocol).toBe("openai-chat");
    expect(fake.requests[0].images).toEqual([{ mediaType: "image/png", data: shot().toString("base64") }]);
  });

  it("a text-only model continuing a chat with images is told of them instead", async () => {
    const first = await run(["-m", "sonnet", "--image", imageFile("shot.png", shot()), "look"]);
    const sessionId = lastEvent(first.events, "run-complete")?.sessionId as string;
    writeProviders(dirs.muxRoot, localProvider(`["coder"]`));
    const r = await run(["-m", "local:coder", "--session", sessionId, "summarize"]);
    expect(r.code, r.stderr).toBe(0);
    expect(fake.requests[1].images).toEqual([]);
    expect(JSON.stringify(fake.requests[1].body.messages)).toContain("[image shot.png attached here; this model cannot see images]");
  });

  it("refuses, naming the limit, a file over the size cap, one larger than the provider takes, and a file that is no image", async () => {
    const huge = imageFile("huge.png", Buffer.concat([shot(), Buffer.alloc(5_100_000)]));
    let r = await run(["-m", "sonnet", "--image", huge, "look"]);
    expect(r.code).toBe(1);
    expect(lastEvent(r.events, "error")?.message).toBe(
      `--image ${huge}: 5.1 MB is more than the 5 MB an image may have: scale it down (e.g. to 2048 pixels on its longer side)`,
    );

    // Under Mux's cap, over Anthropic's 3.75 MB.
    const big = imageFile("big.png", makePng(1200, 1100, { noise: true }));
    r = await run(["-m", "sonnet", "--image", big, "look"]);
    expect(r.code).toBe(1);
    expect(lastEvent(r.events, "error")?.message).toMatch(
      /^big\.png has 3\.9\d MB; anthropic:claude-sonnet-4-5 takes images of at most 3\.75 MB: scale it down$/,
    );

    const notImage = imageFile("notes.png", Buffer.from("just some text"));
    r = await run(["-m", "sonnet", "--image", notImage, "look"]);
    expect(lastEvent(r.events, "error")?.message).toBe(`--image ${notImage}: not a PNG, JPEG, WebP or GIF image`);
    expect(fake.requests).toHaveLength(0);
  });
});
