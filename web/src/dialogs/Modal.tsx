import { useEffect, useId, useRef, type ReactNode } from "react";
import { CloseIcon } from "../app/icons";

interface Props {
  title: string;
  testId: string;
  onClose: () => void;
  children: ReactNode;
  /** Wider dialogs (settings). */
  size?: "sm" | "md" | "lg";
  /** Palette-style: no title bar, placed near the top. */
  bare?: boolean;
}

const WIDTH = { sm: "sm:w-[420px]", md: "sm:w-[520px]", lg: "sm:w-[760px]" };

/**
 * A modal on the native <dialog> (focus trap, Escape, top layer for free). Full-screen on
 * narrow screens.
 */
export function Modal({ title, testId, onClose, children, size = "sm", bare = false }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current!;
    if (!d.open) d.showModal();
    // showModal() focuses the first focusable element (the close button); prefer the marked one.
    d.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    return () => d.close();
  }, []);
  return (
    <dialog
      ref={ref}
      data-testid={testId}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onMouseDown={(e) => {
        if (e.target === ref.current) onClose();
      }}
      className={`m-0 h-full max-h-none w-full max-w-none bg-transparent p-0 text-fg backdrop:bg-black/50 sm:mx-auto sm:h-fit sm:max-h-[85vh] ${
        bare ? "sm:mt-[12vh]" : "sm:my-auto"
      } ${WIDTH[size]}`}
    >
      <div className="flex h-full max-h-full flex-col overflow-hidden border-line bg-panel shadow-2xl sm:max-h-[85vh] sm:rounded-lg sm:border">
        {bare ? (
          <h2 id={titleId} className="sr-only">
            {title}
          </h2>
        ) : (
          <div className="flex shrink-0 items-center border-b border-line px-4 py-2.5">
            <h2 id={titleId} className="flex-1 text-sm font-semibold">
              {title}
            </h2>
            <button type="button" className="icon-btn" aria-label="Close" data-testid="dialog-close" onClick={onClose}>
              <CloseIcon />
            </button>
          </div>
        )}
        {children}
      </div>
    </dialog>
  );
}

/** The usual body + footer of a form dialog. */
export function DialogForm({ onSubmit, children, footer }: { onSubmit: () => void; children: ReactNode; footer: ReactNode }) {
  return (
    <form
      className="flex min-h-0 flex-1 flex-col"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <div className="min-h-0 flex-1 space-y-3 overflow-y-auto px-4 py-3">{children}</div>
      <div className="flex shrink-0 justify-end gap-2 border-t border-line px-4 py-2.5">{footer}</div>
    </form>
  );
}

export function InlineError({ message, testId = "dialog-error" }: { message: string | null; testId?: string }) {
  if (!message) return null;
  return (
    <div role="alert" data-testid={testId} className="rounded border border-err/50 bg-err/10 px-2 py-1.5 text-err">
      {message}
    </div>
  );
}
