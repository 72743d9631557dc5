// Loaded lazily (dynamic import from math.ts) the first time a message contains `$`.
import "katex/dist/katex.min.css";
import rehypeKatex from "rehype-katex";
import remarkMath from "remark-math";
import type { PluggableList } from "unified";

export const remarkPlugins: PluggableList = [remarkMath];
export const rehypePlugins: PluggableList = [[rehypeKatex, { throwOnError: false, strict: "ignore" }]];
