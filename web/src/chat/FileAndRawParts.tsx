import { useEffect, useState } from "react";
import { createPortal } from "react-dom";
import type { FilePart } from "../../../src/agent/messages";
import { Chevron } from "./ui";

/** An image over the whole page; a click anywhere or Esc closes it. */
export function ImageLightbox({ src, alt, onClose }: { src: string; alt: string; onClose: () => void }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.stopPropagation();
      onClose();
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [onClose]);
  // On the body: the chat's rows are positioned with transforms, which would hold a fixed overlay.
  return createPortal(
    <div
      role="dialog"
      aria-modal="true"
      aria-label={alt}
      data-testid="image-lightbox"
      className="fixed inset-0 z-50 flex cursor-zoom-out items-center justify-center bg-black/80 p-3"
      onClick={onClose}
      onKeyDown={() => {}}
    >
      <img src={src} alt={alt} className="max-h-full max-w-full rounded object-contain shadow-lg" />
    </div>,
    document.body,
  );
}

/** An image of the chat as a thumbnail; a click shows it whole. */
function ImageThumb({ src, name }: { src: string; name: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="my-1 mr-1.5 inline-block max-w-full cursor-zoom-in overflow-hidden rounded border border-line align-top"
        title={`${name} (click to enlarge)`}
        aria-label={`Enlarge image ${name}`}
        onClick={() => setOpen(true)}
      >
        <img src={src} alt={name} data-testid="file-image" loading="lazy" decoding="async" className="block h-auto max-h-32 w-auto max-w-64" />
      </button>
      {open && <ImageLightbox src={src} alt={name} onClose={() => setOpen(false)} />}
    </>
  );
}

/**
 * An attached file: an image of the chat (a `data:` URL, or a link to it on this server) is
 * shown as a thumbnail that enlarges; anything else — a link to another site, a PDF — only by name: the page requests
 * nothing from elsewhere.
 */
export function FileView({ part }: { part: FilePart }) {
  const name = part.filename ?? part.mediaType;
  // Inline, or (the server's way of sending a stored image) a link to this server's images.
  if (part.mediaType.startsWith("image/") && (part.url.startsWith("data:") || part.url.startsWith("api/images/"))) {
    return <ImageThumb src={part.url} name={name} />;
  }
  return (
    <div className="my-1 inline-flex items-center gap-1 rounded border border-line px-2 py-0.5 text-[12px] text-muted" data-testid="file-attachment">
      📎 {name}
    </div>
  );
}

/**
 * Something from a chat another program wrote that Mux does not understand, kept rather than
 * dropped: collapsed under its label, its JSON shown on demand.
 */
export function RawView({ label, value }: { label: string; value: unknown }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="my-1" data-testid="raw-part">
      <button type="button" className="inline-flex items-center gap-1 text-[12px] text-muted hover:text-fg" aria-expanded={open} onClick={() => setOpen(!open)}>
        <Chevron open={open} />
        <span>{label}</span>
      </button>
      {open && (
        <pre
          className="mt-1 max-h-80 overflow-auto rounded border border-line bg-bg px-2.5 py-1.5 font-mono text-[12px] whitespace-pre-wrap [overflow-wrap:anywhere]"
          data-testid="raw-part-json"
        >
          {JSON.stringify(value, null, 2)}
        </pre>
      )}
    </div>
  );
}

/** The line above a message where the model's context starts over (see `contextBoundary`). */
export function ContextBoundaryDivider({ kind }: { kind: "compaction" | "reset" }) {
  const text =
    kind === "compaction" ? "Earlier messages were compacted: the model continues from this summary" : "Context cleared: the model sees only what follows";
  return (
    <div className="flex items-center gap-2 px-3 pt-3 pb-1 text-[11px] text-muted sm:px-4" data-testid="context-boundary" data-kind={kind} role="separator">
      <span className="h-px flex-1 bg-line" />
      <span className="shrink-0">{text}</span>
      <span className="h-px flex-1 bg-line" />
    </div>
  );
}
