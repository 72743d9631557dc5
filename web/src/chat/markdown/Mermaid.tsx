import { memo, useEffect, useState } from "react";
import { CodeBlock } from "./CodeBlock";

type MermaidApi = typeof import("mermaid")["default"];

let mermaidPromise: Promise<MermaidApi> | null = null;
let renderCount = 0;
/** Rendered SVG by source, so a diagram scrolled out of the virtual list and back is instant. */
const svgCache = new Map<string, string>();

function loadMermaid(): Promise<MermaidApi> {
  mermaidPromise ??= import("mermaid").then(({ default: mermaid }) => {
    const light = window.matchMedia?.("(prefers-color-scheme: light)").matches;
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: light ? "default" : "dark", fontFamily: "inherit" });
    return mermaid;
  });
  mermaidPromise.catch(() => {
    mermaidPromise = null;
  });
  return mermaidPromise;
}

/**
 * A ```mermaid block: mermaid (~1.3 MB) is imported only when one is shown. The source is shown
 * until the diagram renders, and stays shown if it does not parse (e.g. while it streams in).
 */
export const MermaidBlock = memo(function MermaidBlock({ code }: { code: string }) {
  const [svg, setSvg] = useState<string | null>(() => svgCache.get(code) ?? null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const cached = svgCache.get(code);
    if (cached) {
      setSvg(cached);
      return;
    }
    let cancelled = false;
    // Wait for the source to settle: a streaming diagram changes every frame.
    const timer = setTimeout(async () => {
      try {
        const mermaid = await loadMermaid();
        if (cancelled) return;
        if (!(await mermaid.parse(code, { suppressErrors: true }))) {
          setFailed(true);
          return;
        }
        const { svg } = await mermaid.render(`mux-mermaid-${++renderCount}`, code);
        if (svgCache.size > 100) svgCache.delete(svgCache.keys().next().value!);
        svgCache.set(code, svg);
        if (!cancelled) {
          setSvg(svg);
          setFailed(false);
        }
      } catch {
        if (!cancelled) setFailed(true);
      }
    }, 300);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [code]);

  if (svg) {
    return (
      <div
        className="my-2 flex justify-center overflow-x-auto rounded-md border border-line bg-panel p-3 [&_svg]:max-w-full [&_svg]:h-auto"
        data-testid="mermaid-diagram"
        // biome-ignore lint/security/noDangerouslySetInnerHtml: Mermaid renders with securityLevel "strict" (its own sanitiser), and the CSP blocks scripts
        dangerouslySetInnerHTML={{ __html: svg }}
      />
    );
  }
  return <CodeBlock code={code} lang="mermaid" note={failed ? "diagram could not be rendered" : "diagram…"} />;
});
