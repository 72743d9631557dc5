import { z } from "zod";
import { defineTool, ToolError } from "./types.js";

/** How much of a page is downloaded and returned, and how long a fetch may take. */
export interface WebFetchLimits {
  maxBytes: number;
  maxChars: number;
  timeoutMs: number;
}

export const WEB_FETCH_LIMITS: WebFetchLimits = { maxBytes: 5_000_000, maxChars: 40_000, timeoutMs: 30_000 };

const inputSchema = z.object({
  url: z.string().min(1).describe("The http:// or https:// URL to fetch."),
});

/** What a body is, from its Content-Type (or, when there is none, its first bytes). */
function kindOf(contentType: string, head: string): "html" | "text" | undefined {
  const type = contentType.split(";")[0].trim().toLowerCase();
  if (type === "text/html" || type === "application/xhtml+xml") return "html";
  if (type.startsWith("text/") || type === "application/json" || type.endsWith("+json") || type === "application/xml" || type.endsWith("+xml")) return "text";
  if (!type) return /^\s*</.test(head) ? "html" : "text";
  return undefined;
}

function charsetOf(contentType: string): string {
  return /charset="?([\w-]+)"?/i.exec(contentType)?.[1] ?? "utf-8";
}

function decode(bytes: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder("utf-8").decode(bytes);
  }
}

/** Reads the body up to `maxBytes`; the rest is never downloaded. */
async function readCapped(res: Response, maxBytes: number): Promise<{ bytes: Uint8Array; cut: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (!res.body) return { bytes: new Uint8Array(), cut: false };
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = maxBytes - size;
    if (value.length > room) {
      chunks.push(value.subarray(0, room));
      size += room;
      await reader.cancel().catch(() => {});
      return { bytes: Buffer.concat(chunks, size), cut: true };
    }
    chunks.push(value);
    size += value.length;
  }
  return { bytes: Buffer.concat(chunks, size), cut: false };
}

/** A failed fetch in words the model (and the user reading the card) can act on. */
function fetchFailure(err: unknown, url: URL, timedOut: boolean, interrupted: boolean): ToolError {
  if (interrupted) return new ToolError("interrupted by the user");
  if (timedOut) return new ToolError(`${url.href} did not answer in time (gave up after the timeout)`);
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (err as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new ToolError(`cannot resolve ${url.hostname}: no such host, or this machine is offline (DNS lookup failed)`);
    case "ECONNREFUSED":
      return new ToolError(`${url.host} refused the connection (nothing listens there)`);
    case "ENETUNREACH":
    case "EHOSTUNREACH":
      return new ToolError(`${url.host} is unreachable: this machine looks offline`);
    case "ECONNRESET":
      return new ToolError(`${url.host} closed the connection before answering`);
    default:
      return new ToolError(`cannot fetch ${url.href}: ${cause?.message ?? (err instanceof Error ? err.message : String(err))}`);
  }
}

export function createWebFetchTool(limits: WebFetchLimits = WEB_FETCH_LIMITS) {
  return defineTool({
    name: "web_fetch",
    description: [
      "Fetch a web page (http or https) and return its readable content as Markdown; plain text and JSON come back as they are.",
      `At most ${limits.maxChars} characters are returned (the result says when it was cut).`,
      "Use it for documentation, issues or articles the user points to or that the task needs; it does not run JavaScript.",
    ].join(" "),
    inputSchema,
    mutates: false,
    async execute(input, ctx) {
      let url: URL;
      try {
        url = new URL(input.url);
      } catch {
        throw new ToolError(`"${input.url}" is not a URL: give a full http:// or https:// address`);
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new ToolError(`only http and https URLs can be fetched, not ${url.protocol}`);
      const timeout = AbortSignal.timeout(limits.timeoutMs);
      const signal = AbortSignal.any([ctx.signal, timeout]);
      let res: Response;
      let body: { bytes: Uint8Array; cut: boolean };
      try {
        res = await fetch(url, { signal, redirect: "follow", headers: { accept: "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5" } });
        if (!res.ok) {
          await res.body?.cancel().catch(() => {});
          throw new ToolError(`${url.href} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`);
        }
        body = await readCapped(res, limits.maxBytes);
      } catch (err) {
        if (err instanceof ToolError) throw err;
        throw fetchFailure(err, url, timeout.aborted, ctx.signal.aborted);
      }
      const contentType = res.headers.get("content-type") ?? "";
      const text = decode(body.bytes, charsetOf(contentType));
      const kind = kindOf(contentType, text.slice(0, 200));
      if (!kind) throw new ToolError(`${res.url || url.href} is ${contentType.split(";")[0]}, not a web page or text: web_fetch returns HTML and text only`);
      // Loaded on first use: the HTML libraries are not needed to start Mux.
      const page = kind === "html" ? (await import("./htmlToMarkdown.js")).htmlToMarkdown(text) : { content: text };
      const notes: string[] = [];
      if (body.cut) notes.push(`only the first ${limits.maxBytes} bytes of the page were downloaded`);
      let content = page.content;
      if (content.length > limits.maxChars) {
        notes.push(`content cut to ${limits.maxChars} of ${content.length} characters`);
        content = content.slice(0, limits.maxChars);
      }
      return {
        url: res.url || url.href,
        status: res.status,
        contentType: contentType.split(";")[0] || (kind === "html" ? "text/html" : "text/plain"),
        ...("title" in page && page.title ? { title: page.title } : {}),
        content,
        ...(notes.length ? { truncated: `${notes.join("; ")}.` } : {}),
      };
    },
  });
}

export const webFetchTool = createWebFetchTool();
