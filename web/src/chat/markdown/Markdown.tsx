import { isValidElement, memo, useMemo, type ComponentProps, type ReactElement, type ReactNode } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import type { PluggableList } from "unified";
import { protectCurrency, splitBlocks } from "../markdownBlocks";
import { CodeBlock } from "./CodeBlock";
import { hasMath, useMath, type MathPlugins } from "./math";
import { MermaidBlock } from "./Mermaid";

const GFM: PluggableList = [remarkGfm];
let gfmMath: { remark: PluggableList; rehype: PluggableList; from: MathPlugins } | null = null;

function withMath(math: MathPlugins) {
  if (gfmMath?.from !== math) gfmMath = { remark: [remarkGfm, ...math.remarkPlugins], rehype: math.rehypePlugins, from: math };
  return gfmMath;
}

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
  const text = textOf(props.children).replace(/\n$/, "");
  if (lang === "mermaid") return <MermaidBlock code={text} />;
  return <CodeBlock code={text} lang={lang === "math" ? "" : lang} />;
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

function Input(props: ComponentProps<"input">) {
  // GFM task list checkboxes: shown, not editable.
  return <input {...props} disabled readOnly className="mr-1.5 align-middle" />;
}

const COMPONENTS: Components = { pre: Pre, a: Link, table: Table, input: Input, img: Image };

const Block = memo(function Block({ text, math }: { text: string; math: MathPlugins | null }) {
  const plugins = math ? withMath(math) : null;
  return (
    <ReactMarkdown remarkPlugins={plugins ? plugins.remark : GFM} rehypePlugins={plugins?.rehype} components={COMPONENTS}>
      {plugins ? protectCurrency(text) : text}
    </ReactMarkdown>
  );
});

const MathAwareBlock = memo(function MathAwareBlock({ text }: { text: string }) {
  const math = useMath(hasMath(text));
  return <Block text={text} math={math} />;
});

/**
 * Markdown (GFM, with math and mermaid loaded lazily) rendered block by block: while a message
 * streams, only its last block is parsed again; finished blocks are memoized.
 */
export const Markdown = memo(function Markdown({ text, className = "" }: { text: string; className?: string }) {
  const blocks = useMemo(() => splitBlocks(text), [text]);
  return (
    <div className={`mux-md ${className}`}>
      {blocks.map((b, i) => (
        <MathAwareBlock key={i} text={b} />
      ))}
    </div>
  );
});
