import { z } from "zod";
import type { FilePart } from "../agent/messages.js";
import { type ImageInfo, imageInfo } from "../common/imageInfo.js";
import { formatBytes, IMAGE_MEDIA_TYPES, MAX_IMAGE_BYTES, MAX_IMAGES_PER_MESSAGE, MAX_MESSAGE_IMAGE_BYTES } from "../providers/images.js";

/**
 * An image attached to a message, as it crosses the wire (browser → server) or comes from
 * `mux run --image`: checked here for its kind (by its bytes, not only its label), size and count.
 */

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes of base64 text (atob: the same in Node and the browser). */
export function decodeBase64(data: string): Uint8Array {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** How many bytes base64 text of this length holds. */
export function base64Bytes(data: string): number {
  return Math.floor((data.length * 3) / 4) - (data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0);
}

export const ImageAttachmentSchema = z
  .object({
    mediaType: z.enum(IMAGE_MEDIA_TYPES, { error: "images must be PNG, JPEG, WebP or GIF" }),
    /** The image's bytes, base64 (no `data:` prefix). */
    data: z
      .string()
      .min(1)
      .max(Math.ceil(MAX_IMAGE_BYTES / 3) * 4, { error: `an image may have at most ${formatBytes(MAX_IMAGE_BYTES)}` })
      .regex(BASE64, { error: "image data must be base64" }),
    filename: z.string().max(255).optional(),
  })
  .superRefine((image, ctx) => {
    if (base64Bytes(image.data) > MAX_IMAGE_BYTES) {
      ctx.addIssue({ code: "custom", message: `an image may have at most ${formatBytes(MAX_IMAGE_BYTES)}` });
      return;
    }
    let info: ImageInfo | undefined;
    try {
      info = imageInfo(decodeBase64(image.data));
    } catch {}
    const name = image.filename ?? "the image";
    if (!info) ctx.addIssue({ code: "custom", message: `${name} is not a PNG, JPEG, WebP or GIF image` });
    else if (info.mediaType !== image.mediaType) ctx.addIssue({ code: "custom", message: `${name} is ${info.mediaType}, not ${image.mediaType}` });
  });
export type ImageAttachment = z.infer<typeof ImageAttachmentSchema>;

export const ImageAttachmentsSchema = z
  .array(ImageAttachmentSchema)
  .max(MAX_IMAGES_PER_MESSAGE, { error: `a message may carry at most ${MAX_IMAGES_PER_MESSAGE} images` })
  .refine((images) => images.reduce((sum, i) => sum + base64Bytes(i.data), 0) <= MAX_MESSAGE_IMAGE_BYTES, {
    error: `the images of a message may have at most ${formatBytes(MAX_MESSAGE_IMAGE_BYTES)} together`,
  });

/** An attached image as the chat stores it: a file part with a `data:` URL, as the original Mux stores it. */
export function imagePart(image: ImageAttachment): FilePart {
  return {
    type: "file",
    mediaType: image.mediaType,
    url: `data:${image.mediaType};base64,${image.data}`,
    ...(image.filename ? { filename: image.filename } : {}),
  };
}

/** A stored image's bytes, how many, and what they say of it (undefined for a part that is no inline image). */
export function storedImage(part: FilePart): { bytes: number; data: Uint8Array; info: ImageInfo | undefined } | undefined {
  const match = /^data:image\/[^;,]*;base64,(.*)$/s.exec(part.url);
  if (!match) return undefined;
  let data: Uint8Array;
  try {
    data = decodeBase64(match[1]);
  } catch {
    return undefined; // not base64 (a chat another program wrote)
  }
  return { bytes: data.length, data, info: imageInfo(data) };
}
