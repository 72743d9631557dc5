import { useEffect, useSyncExternalStore } from "react";
import type { PluggableList } from "unified";

/** remark-math + rehype-katex (+ KaTeX CSS), fetched on first need and shared by every message. */
export interface MathPlugins {
  remarkPlugins: PluggableList;
  rehypePlugins: PluggableList;
}

let plugins: MathPlugins | null = null;
let _loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

function load() {
  _loading ??= import("./mathPlugins")
    .then((m) => {
      plugins = { remarkPlugins: m.remarkPlugins, rehypePlugins: m.rehypePlugins };
      for (const l of listeners) l();
    })
    .catch(() => {
      _loading = null; // offline or a failed chunk: try again next time
    });
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** `$x$`, `$$…$$`: worth loading the math renderer for. */
export const hasMath = (text: string) => text.includes("$") && /\$\$|\$[^\s$][^$\n]*\$/.test(text);

/** The math plugins once loaded (null before, or when `needed` is false). */
export function useMath(needed: boolean): MathPlugins | null {
  const p = useSyncExternalStore(subscribe, () => plugins);
  useEffect(() => {
    if (needed && !plugins) load();
  }, [needed]);
  return needed ? p : null;
}
