import type { ChatMessage, FilePart } from "../agent/messages.js";
import { storedImage } from "../api/images.js";
import { isImageMediaType } from "../providers/images.js";

/**
 * The chat as a browser is sent it: an image stored inline (a `data:` URL, as the original Mux
 * stores it) becomes a link the page fetches when it shows the image, and caches. A snapshot of
 * a chat with many images then stays small, and the same image is never sent twice.
 */

/** The link to a message's image, relative to the app's pages (like `api/ws`). */
export function imageLink(workspaceId: string, messageId: string, index: number): string {
  return `api/images/${encodeURIComponent(workspaceId)}/${encodeURIComponent(messageId)}/${index}`;
}

const isInlineImage = (p: ChatMessage["parts"][number]): p is FilePart => p.type === "file" && p.mediaType.startsWith("image/") && p.url.startsWith("data:");

/** The message with its inline images as links (the same object when it has none). */
export function linkImages(message: ChatMessage, workspaceId: string): ChatMessage {
  if (!message.parts.some(isInlineImage)) return message;
  return { ...message, parts: message.parts.map((p, i) => (isInlineImage(p) ? { ...p, url: imageLink(workspaceId, message.id, i) } : p)) };
}

/** The bytes of a message's image and their type (by their signature), or undefined when that part is no stored image. */
export function imageBytes(message: ChatMessage | undefined, index: number): { mediaType: string; bytes: Uint8Array } | undefined {
  const part = message?.parts[index];
  if (!part || !isInlineImage(part)) return undefined;
  const stored = storedImage(part);
  const mediaType = stored?.info?.mediaType;
  return stored && mediaType && isImageMediaType(mediaType) ? { mediaType, bytes: stored.data } : undefined;
}
