import { memo, useEffect, useRef, useState, type CSSProperties } from "react";
import type { Progress, Tokens } from "./highlighter";
import { CopyButton } from "../ui";

/** Blocks bigger than this stay plain: highlighting them would cost more than it gives. */
const MAX_HIGHLIGHT_CHARS = 60_000;
const cache = new Map<string, Tokens>();
const CACHE_MAX = 300;
/** A streaming block is highlighted again at most this often. */
const PASS_MS = 250;
const FIRST_PASS_MS = 50;

function remember(key: string, tokens: Tokens) {
  cache.delete(key);
  cache.set(key, tokens);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
}

/** Runs `fn` after `delay` ms, once the browser is idle (at most 1 s later). */
function whenIdle(fn: () => void, delay: number): () => void {
  let idle = 0;
  const timer = setTimeout(() => {
    if (typeof requestIdleCallback === "function") idle = requestIdleCallback(fn, { timeout: 1000 });
    else fn();
  }, delay);
  return () => {
    clearTimeout(timer);
    if (idle) cancelIdleCallback(idle);
  };
}

interface Highlighted {
  code: string;
  tokens: Tokens;
}

/**
 * A fenced code block: plain <pre> at once, highlighted by shiki (loaded lazily) shortly after.
 * While a block streams in, the lines already highlighted stay highlighted and the new tail is
 * shown plain until the next pass, which tokenizes only the lines that came since.
 */
export const CodeBlock = memo(function CodeBlock({ code, lang, note }: { code: string; lang: string; note?: string }) {
  const key = `${lang}\u0000${code}`;
  const [hl, setHl] = useState<Highlighted | null>(() => {
    const tokens = lang ? cache.get(key) : undefined;
    return tokens ? { code, tokens } : null;
  });
  /** How far the last pass got: the next one continues from there if the code only grew. */
  const progress = useRef<Progress | null>(null);
  /** The code whose tokens this block last put in the cache. */
  const remembered = useRef<{ key: string; code: string } | null>(null);
  /** When the last pass ran (performance.now()); the first runs FIRST_PASS_MS after the mount. */
  const lastPass = useRef(performance.now() + FIRST_PASS_MS - PASS_MS);

  useEffect(() => {
    if (!lang || code.length > MAX_HIGHLIGHT_CHARS || hl?.code === code) return;
    const cached = cache.get(key);
    if (cached) {
      setHl({ code, tokens: cached });
      return;
    }
    let cancelled = false;
    // A streaming block changes every frame: one pass per PASS_MS at most (each change restarts
    // the wait with what is left of it), when the main thread is idle (the first grammar compile
    // is expensive and must not delay the chat).
    const cancel = whenIdle(
      () => {
        lastPass.current = performance.now();
        import("./highlighter")
          .then((m) => m.tokenizeFrom(code, lang, progress.current))
          .then((result) => {
            if (!result) return;
            // Kept even if the code grew meanwhile: the next pass continues from it.
            progress.current = result.progress;
            // A streaming block's earlier passes are of no use once it grew.
            if (remembered.current && code.startsWith(remembered.current.code)) cache.delete(remembered.current.key);
            remembered.current = { key, code };
            remember(key, result.tokens);
            if (!cancelled) setHl({ code, tokens: result.tokens });
          })
          .catch(() => {});
      },
      Math.max(0, lastPass.current + PASS_MS - performance.now()),
    );
    return () => {
      cancelled = true;
      cancel();
    };
  }, [code, lang, key, hl]);

  return (
    <div className="mux-code group relative my-2 overflow-hidden rounded-md border border-line bg-panel" data-testid="code-block" data-lang={lang || undefined}>
      <div className="flex h-7 items-center justify-between border-b border-line px-2 text-[11px] text-muted">
        <span className="font-mono">
          {lang || "text"}
          {note ? ` · ${note}` : ""}
        </span>
        <CopyButton text={code} testId="copy-code" />
      </div>
      <pre className="overflow-x-auto px-3 py-2 font-mono text-[12.5px] leading-[1.5]">
        <code>{hl ? <HighlightedLines code={code} hl={hl} /> : code}</code>
      </pre>
    </div>
  );
});

function HighlightedLines({ code, hl }: { code: string; hl: Highlighted }) {
  if (hl.code === code)
    return (
      <>
        {hl.tokens.map((line, i) => (
          <Line key={i} line={line} last={i === hl.tokens.length - 1} />
        ))}
      </>
    );
  // Streaming: keep the complete lines highlighted last time, if the code still starts with them.
  const lines = hl.code.split("\n");
  const stable = lines.slice(0, -1).join("\n");
  if (lines.length < 2 || !code.startsWith(`${stable}\n`)) return <>{code}</>;
  const count = lines.length - 1;
  return (
    <>
      {hl.tokens.slice(0, count).map((line, i) => (
        <Line key={i} line={line} last={false} />
      ))}
      {code.slice(stable.length + 1)}
    </>
  );
}

const Line = memo(function Line({ line, last }: { line: Tokens[number]; last: boolean }) {
  return (
    <>
      {line.map((t, j) => (
        <span key={j} style={t.htmlStyle as CSSProperties | undefined}>
          {t.content}
        </span>
      ))}
      {last ? null : "\n"}
    </>
  );
});
