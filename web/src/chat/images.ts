import type { ImageAttachment } from "../../../src/api/images";
import { formatBytes, IMAGE_TARGET_EDGE, type ImageLimits, isImageMediaType, MAX_IMAGE_BYTES } from "../../../src/providers/images";

/** An image attached in the composer, ready to send: what goes over the wire, and how it is shown. */
export interface PendingImage extends ImageAttachment {
  id: string;
  /** A `data:` URL for the thumbnail. */
  preview: string;
  width: number;
  height: number;
  bytes: number;
}

/** What the composer does with images when it does not know the model (a name typed by hand). */
const ANY_MODEL: ImageLimits = { maxBytes: MAX_IMAGE_BYTES, maxEdge: IMAGE_TARGET_EDGE };

function base64Of(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  // In slices: String.fromCharCode takes only so many arguments.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Draws the image at this size and encodes it (OffscreenCanvas where there is one, else a canvas element). */
async function encode(bitmap: ImageBitmap, width: number, height: number, type: string, quality?: number): Promise<Blob> {
  if (typeof OffscreenCanvas !== "undefined") {
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext("2d")?.drawImage(bitmap, 0, 0, width, height);
    return canvas.convertToBlob({ type, quality });
  }
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d")?.drawImage(bitmap, 0, 0, width, height);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("the browser could not encode the image"))), type, quality));
}

/**
 * Reads a pasted or dropped file as an image to send: PNG, JPEG, WebP or GIF only. One whose
 * longer side passes what the model needs (at most IMAGE_TARGET_EDGE) is scaled down; one still
 * over the byte limit is re-encoded as JPEG at falling quality, then smaller. Otherwise the
 * file goes as it is (a GIF keeps its animation).
 */
export async function prepareImage(file: File, model: ImageLimits | null | undefined, id: string): Promise<PendingImage> {
  const name = file.name || "pasted image";
  if (!isImageMediaType(file.type)) throw new Error(`${name}: only PNG, JPEG, WebP and GIF images can be attached`);
  const limits = model ?? ANY_MODEL;
  const maxBytes = Math.min(limits.maxBytes, MAX_IMAGE_BYTES);
  const maxEdge = Math.min(limits.maxEdge, IMAGE_TARGET_EDGE);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`${name}: the browser cannot read it as an image`);
  }
  try {
    const { width, height } = bitmap;
    const scale = Math.min(1, maxEdge / Math.max(width, height));
    let blob: Blob = file;
    let type: string = file.type;
    let w = width;
    let h = height;
    if (scale < 1 || file.size > maxBytes) {
      w = Math.max(1, Math.round(width * scale));
      h = Math.max(1, Math.round(height * scale));
      // A GIF drawn on a canvas is a still picture: it becomes a PNG.
      type = file.type === "image/gif" ? "image/png" : file.type;
      blob = await encode(bitmap, w, h, type);
      for (const quality of [0.85, 0.7, 0.5]) {
        if (blob.size <= maxBytes) break;
        type = "image/jpeg";
        blob = await encode(bitmap, w, h, type, quality);
      }
      while (blob.size > maxBytes && Math.max(w, h) > 256) {
        w = Math.round(w / 2);
        h = Math.round(h / 2);
        blob = await encode(bitmap, w, h, "image/jpeg", 0.7);
      }
      if (blob.size > maxBytes) throw new Error(`${name}: cannot make it smaller than ${formatBytes(maxBytes)}`);
    }
    const data = base64Of(await blob.arrayBuffer());
    const mediaType = type as ImageAttachment["mediaType"];
    const filename = type === file.type ? name : name.replace(/\.\w+$/, "") + (type === "image/png" ? ".png" : ".jpg");
    return { id, mediaType, data, filename, preview: `data:${mediaType};base64,${data}`, width: w, height: h, bytes: blob.size };
  } finally {
    bitmap.close();
  }
}

/** The image files among pasted or dropped items. */
export function imageFiles(list: FileList | null | undefined): File[] {
  return Array.from(list ?? []).filter((f) => f.type.startsWith("image/"));
}
