import type { ProviderUpdate, ProviderView } from "../state/types.js";

export type WireFormat = "responses" | "chatCompletions";

/** Unsaved edits of one provider. Omitted = unchanged; null = clear (fall back to env/default). */
export interface Draft {
  apiKey?: string | null;
  /** As typed. */
  baseUrl?: string | null;
  wireFormat?: WireFormat;
  displayName?: string;
  /** Model ids separated by commas, spaces or newlines. */
  models?: string;
}

export const parseModels = (text: string) => [...new Set(text.split(/[\s,]+/).filter(Boolean))];

export function isUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

/** The base URL written in providers.jsonc (`configured` is the raw input from any source). */
export const fileBaseUrl = (p: ProviderView) => (p.baseUrl.source.kind === "file" ? p.baseUrl.configured : null);

/** A problem the user must fix before saving, or null. */
export function validateDraft(d: Draft): string | null {
  if (typeof d.baseUrl === "string" && d.baseUrl.trim() && !isUrl(d.baseUrl.trim())) return "Base URL must be an http(s) URL, e.g. http://localhost:8000/v1";
  return null;
}

/** The `providers.update` input for a draft, or null when nothing would change. */
export function toUpdate(p: ProviderView, d: Draft): ProviderUpdate | null {
  const u: ProviderUpdate = { id: p.id };
  if (d.apiKey === null && p.apiKey.source.kind === "file") u.apiKey = null;
  else if (typeof d.apiKey === "string" && d.apiKey.trim()) u.apiKey = d.apiKey.trim();
  if (d.baseUrl !== undefined) {
    const text = d.baseUrl?.trim() ?? "";
    const saved = fileBaseUrl(p);
    if (text && text !== saved) u.baseUrl = text;
    else if (!text && saved !== null) u.baseUrl = null;
  }
  if (d.wireFormat && d.wireFormat !== (p.wireFormat ?? "responses")) u.wireFormat = d.wireFormat;
  if (p.custom && d.displayName !== undefined && d.displayName.trim() !== p.displayName) u.displayName = d.displayName.trim() || null;
  if (p.custom && d.models !== undefined) {
    const models = parseModels(d.models);
    if (models.join("\n") !== p.models.join("\n")) u.models = models.length ? models : null;
  }
  return Object.keys(u).length > 1 ? u : null;
}

/** Where a value comes from, as a short phrase: "environment variable OPENAI_BASE_URL". */
export function sourceText(source: ProviderView["apiKey"]["source"]): string {
  return source.kind === "unset" ? "not set" : source.label;
}
