import { useEffect, useState } from "react";
import type { ImageAttachment } from "../../../src/api/images";
import { formatBytes, type ImageLimits, MAX_IMAGES_PER_MESSAGE, MAX_MESSAGE_IMAGE_BYTES } from "../../../src/providers/images";
import { type PendingImage, prepareImage } from "./images";

/** Attached images survive switching workspaces (per workspace, for this page's lifetime), as drafts do. */
const draftImages = new Map<string, PendingImage[]>();
let nextImageId = 0;

/** What goes over the wire of an attached image (not its preview). */
export const attachment = ({ mediaType, data, filename }: PendingImage): ImageAttachment => ({ mediaType, data, ...(filename ? { filename } : {}) });

/**
 * The composer's attached images: pasted, dropped or picked files are read (and scaled down to
 * what `limits` allows) and attached, within the per-message count and size caps; what could not
 * be attached is said in `attachError`.
 */
export function useImageAttachments(workspaceId: string, limits: ImageLimits | null | undefined) {
  const [images, setImages] = useState<PendingImage[]>(() => draftImages.get(workspaceId) ?? []);
  const [attachError, setAttachError] = useState<string | null>(null);
  useEffect(() => {
    draftImages.set(workspaceId, images);
  }, [workspaceId, images]);

  const attach = async (files: File[]) => {
    if (!files.length) return;
    setAttachError(null);
    const room = MAX_IMAGES_PER_MESSAGE - images.length;
    const problems: string[] = [];
    if (files.length > room) problems.push(`a message may carry at most ${MAX_IMAGES_PER_MESSAGE} images`);
    const results = await Promise.allSettled(files.slice(0, Math.max(0, room)).map((f) => prepareImage(f, limits, `img-${++nextImageId}`)));
    const ready: PendingImage[] = [];
    let total = images.reduce((sum, i) => sum + i.bytes, 0);
    for (const r of results) {
      if (r.status === "rejected") problems.push(r.reason instanceof Error ? r.reason.message : String(r.reason));
      else if (total + r.value.bytes > MAX_MESSAGE_IMAGE_BYTES) {
        problems.push(`${r.value.filename}: the images of a message may have at most ${formatBytes(MAX_MESSAGE_IMAGE_BYTES)} together`);
      } else {
        total += r.value.bytes;
        ready.push(r.value);
      }
    }
    if (ready.length) setImages((list) => [...list, ...ready].slice(0, MAX_IMAGES_PER_MESSAGE));
    if (problems.length) setAttachError(problems.join("; "));
  };
  return { images, setImages, attach, attachError, setAttachError };
}
