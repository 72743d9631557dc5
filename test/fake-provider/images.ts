/** The images a request carries, read from each protocol's own wire format. */
import type { FakeProtocol, RecordedImage } from "./types.js";

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function fromDataUrl(url: unknown): RecordedImage | undefined {
  if (typeof url !== "string") return undefined;
  const m = DATA_URL.exec(url);
  return m ? { mediaType: m[1], data: m[2] } : { mediaType: "", data: "", url };
}

function contentParts(messages: unknown): any[] {
  if (!Array.isArray(messages)) return [];
  return messages.flatMap((m: any) => (Array.isArray(m?.content) ? m.content : []));
}

export function requestImages(protocol: FakeProtocol, body: any): RecordedImage[] {
  const images: (RecordedImage | undefined)[] = [];
  switch (protocol) {
    case "openai-chat":
      // { type: "image_url", image_url: { url: "data:image/png;base64,…" } }
      for (const p of contentParts(body?.messages)) if (p?.type === "image_url") images.push(fromDataUrl(p.image_url?.url));
      break;
    case "openai-responses":
      // { type: "input_image", image_url: "data:image/png;base64,…" }
      for (const p of contentParts(body?.input)) if (p?.type === "input_image") images.push(fromDataUrl(p.image_url));
      break;
    case "anthropic":
      // { type: "image", source: { type: "base64", media_type, data } }
      for (const p of contentParts(body?.messages)) {
        if (p?.type !== "image") continue;
        const s = p.source ?? {};
        images.push(s.type === "base64" ? { mediaType: s.media_type, data: s.data } : { mediaType: "", data: "", url: s.url });
      }
      break;
    case "google":
      for (const c of body?.contents ?? []) {
        for (const p of c?.parts ?? []) if (p?.inlineData) images.push({ mediaType: p.inlineData.mimeType, data: p.inlineData.data });
      }
      break;
    case "ollama":
      for (const m of body?.messages ?? []) for (const data of m?.images ?? []) images.push({ mediaType: "", data: String(data) });
      break;
  }
  return images.filter((i): i is RecordedImage => i !== undefined);
}
