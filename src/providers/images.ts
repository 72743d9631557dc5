import type { ProviderKind } from "./catalog.js";

/**
 * Images a user attaches to a message: which kinds, how many, how large, and what each provider
 * accepts. Pure data (no Node modules): the API's schemas and the web app read it too.
 */

export const IMAGE_MEDIA_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"] as const;
export type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

/** The most images one message may carry. */
export const MAX_IMAGES_PER_MESSAGE = 10;
/**
 * The most bytes one image may have, whatever the model: every image is stored in the chat
 * (inline, as the original Mux stores it), so this also bounds how long a chat takes to load.
 */
export const MAX_IMAGE_BYTES = 5_000_000;
/**
 * The most bytes of images one message may carry: what the browser sends must fit in one
 * WebSocket frame of the API (16 MB, base64 and the text included).
 */
export const MAX_MESSAGE_IMAGE_BYTES = 10_000_000;
/**
 * The longest side the web app scales a larger image down to: every provider shrinks larger
 * ones to about this anyway (OpenAI to fit 2048, Anthropic to ~1568), so more only costs upload
 * and storage.
 */
export const IMAGE_TARGET_EDGE = 2048;

/** What a model accepts of an image. */
export interface ImageLimits {
  /** Bytes of one image (decoded). */
  maxBytes: number;
  /** Pixels of its longer side. */
  maxEdge: number;
}

/**
 * What each kind of provider accepts. Anthropic takes 5 MB of base64 (3.75 MB of image) and at
 * most 8000 px a side; OpenAI and Gemini take far more than Mux's own cap. Others vary by server:
 * the conservative figures hold for the common ones (vLLM, Ollama, OpenRouter's upstreams).
 */
const LIMITS: Record<ProviderKind, ImageLimits> = {
  anthropic: { maxBytes: 3_750_000, maxEdge: 8000 },
  openai: { maxBytes: MAX_IMAGE_BYTES, maxEdge: 8000 },
  google: { maxBytes: MAX_IMAGE_BYTES, maxEdge: 8000 },
  openrouter: { maxBytes: 3_750_000, maxEdge: 8000 },
  "openai-compatible": { maxBytes: 3_750_000, maxEdge: 8000 },
  ollama: { maxBytes: 3_750_000, maxEdge: 8000 },
};

export function imageLimitsFor(kind: ProviderKind): ImageLimits {
  return LIMITS[kind];
}

/**
 * Whether a model Mux has no word on takes images, by provider: the big three's current models
 * all do; what a custom server, Ollama, OpenRouter or DeepSeek serves often does not (such a
 * model says so in providers.jsonc: `{ "id": "llava", "images": true }`).
 */
const IMAGES_BY_DEFAULT = new Set(["anthropic", "openai", "google", "xai"]);

export function imagesByDefault(providerId: string): boolean {
  return IMAGES_BY_DEFAULT.has(providerId);
}

export function isImageMediaType(type: string): type is ImageMediaType {
  return (IMAGE_MEDIA_TYPES as readonly string[]).includes(type);
}

/** "3.8 MB": a byte count as the limits are told. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} kB`;
  return `${(bytes / 1_000_000).toFixed(bytes < 10_000_000 ? 2 : 1).replace(/\.?0+$/, "")} MB`;
}
