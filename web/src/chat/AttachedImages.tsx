import { useState } from "react";
import { ImageLightbox } from "./FileAndRawParts";
import type { PendingImage } from "./images";

/** Thumbnails of the images attached to the draft: click to enlarge, × to remove. */
export function AttachedImages({ images, onRemove }: { images: PendingImage[]; onRemove: (id: string) => void }) {
  const [enlarged, setEnlarged] = useState<PendingImage | null>(null);
  return (
    <>
      {images.length > 0 && (
        <div className="flex flex-wrap gap-1.5 px-2 pt-2" data-testid="composer-images">
          {images.map((img) => (
            <div key={img.id} className="relative" data-testid="composer-image" title={`${img.filename} · ${img.width}×${img.height}`}>
              <button type="button" className="block cursor-zoom-in overflow-hidden rounded border border-line" onClick={() => setEnlarged(img)}>
                <img src={img.preview} alt={img.filename ?? "attached image"} className="block h-14 w-14 object-cover" />
              </button>
              <button
                type="button"
                data-testid="remove-image"
                aria-label={`Remove ${img.filename ?? "image"}`}
                className="absolute -top-1.5 -right-1.5 flex h-5 w-5 items-center justify-center rounded-full border border-line bg-bg text-[11px] leading-none text-muted hover:text-fg"
                onClick={() => onRemove(img.id)}
              >
                ×
              </button>
            </div>
          ))}
        </div>
      )}
      {enlarged && <ImageLightbox src={enlarged.preview} alt={enlarged.filename ?? "attached image"} onClose={() => setEnlarged(null)} />}
    </>
  );
}
