import { isValidElement, type ComponentProps, type ReactElement, type ReactNode } from "react";
import type { Components } from "react-markdown";
import { CodeBlock } from "./CodeBlock";
import { MermaidBlock } from "./Mermaid";

/** How Markdown elements render in the chat: code blocks, links, images, tables, task checkboxes. */

function textOf(node: ReactNode): string {
  if (typeof node === "string") return node;
  if (Array.isArray(node)) return node.map(textOf).join("");
  return "";
}

function Pre({ children }: ComponentProps<"pre">) {
  const code = Array.isArray(children) ? children[0] : children;
  if (!isValidElement(code)) return <pre>{children}</pre>;
  const props = (code as ReactElement<{ className?: string; children?: ReactNode }>).props;
  const lang = /(?:^|\s)language-([^\s]+)/.exec(props.className ?? "")?.[1] ?? "";
  return fencedCode(textOf(props.children).replace(/\n$/, ""), lang);
}

/** A fenced code block by its info string's language: a Mermaid diagram, or highlighted code (`math` stays plain). */
export function fencedCode(code: string, lang: string) {
  if (lang === "mermaid") return <MermaidBlock code={code} />;
  return <CodeBlock code={code} lang={lang === "math" ? "" : lang} />;
}

function Link({ href, children }: ComponentProps<"a">) {
  return (
    <a href={href} target="_blank" rel="noreferrer noopener">
      {children}
    </a>
  );
}

function parseUrl(src: string): URL | null {
  try {
    return new URL(src, window.location.href);
  } catch {
    return null;
  }
}

/**
 * The page's Content-Security-Policy lets images load only from Mux itself and inline data, so
 * a reply cannot leak anything through an image URL. Any other image is named, never requested
 * (a request would only be refused: a broken icon and a console error).
 */
function Image({ src, alt }: ComponentProps<"img">) {
  const url = typeof src === "string" ? parseUrl(src) : null;
  if (url && (url.protocol === "data:" || url.protocol === "blob:" || url.origin === window.location.origin)) {
    return <img src={url.href} alt={alt ?? ""} />;
  }
  const host = url?.host || (typeof src === "string" ? src : "") || "unknown";
  return (
    <span
      data-testid="image-blocked"
      className="mux-image-blocked"
      title={`Images from other sites are not loaded, so a reply cannot send data anywhere through one.${alt ? ` Description: ${alt}` : ""}`}
    >
      image blocked: {host}
    </span>
  );
}

function Table({ children }: ComponentProps<"table">) {
  return (
    <div className="mux-table">
      <table>{children}</table>
    </div>
  );
}

function Input({ node: _node, ...props }: ComponentProps<"input"> & { node?: unknown }) {
  // GFM task list checkboxes: shown, not editable (and no hast `node` as an attribute).
  return <input {...props} disabled readOnly className="mr-1.5 align-middle" />;
}

export const COMPONENTS: Components = { pre: Pre, a: Link, table: Table, input: Input, img: Image };
