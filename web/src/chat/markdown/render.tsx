import type { Nodes, Parents } from "hast";
import { toJsxRuntime } from "hast-util-to-jsx-runtime";
import { urlAttributes } from "html-url-attributes";
import type { ReactElement } from "react";
import { Fragment, jsx, jsxs } from "react/jsx-runtime";
import { defaultUrlTransform } from "react-markdown";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { type PluggableList, type Processor, unified } from "unified";
import { COMPONENTS, fencedCode } from "./components";
import { fencedCodeBlock } from "./fence";
import type { MathPlugins } from "./math";

/**
 * One Markdown block to React elements, as react-markdown renders it (GFM; math when given), but
 * with a processor built once instead of on every call (react-markdown builds one per render, and
 * attaching GFM costs more than parsing a paragraph), and with each block's result kept: a block
 * parsed once is not parsed again, whether a later delta re-renders the message, the list mounts
 * the message again (scrolled back into view, the stream finished) or the chat is opened again.
 */

type AnyProcessor = Processor<any, any, any, any, any>;

const GFM: PluggableList = [remarkGfm];
let gfmProcessor: AnyProcessor | null = null;
let math: { from: MathPlugins; processor: AnyProcessor } | null = null;

function build(remarkPlugins: PluggableList, rehypePlugins: PluggableList): AnyProcessor {
  // allowDangerousHtml: raw HTML becomes `raw` nodes, shown as text below (react-markdown's default).
  return unified().use(remarkParse).use(remarkPlugins).use(remarkRehype, { allowDangerousHtml: true }).use(rehypePlugins).freeze() as AnyProcessor;
}

function processorFor(plugins: MathPlugins | null): AnyProcessor {
  if (!plugins) return (gfmProcessor ??= build(GFM, []));
  if (math?.from !== plugins) math = { from: plugins, processor: build([...GFM, ...plugins.remarkPlugins], plugins.rehypePlugins) };
  return math.processor;
}

/** What react-markdown does between rehype and React: raw HTML as text, URLs made safe. */
function clean(node: Parents) {
  const children = node.children;
  for (let i = 0; i < children.length; i++) {
    const child = children[i] as Nodes;
    if (child.type === "raw") {
      children[i] = { type: "text", value: child.value };
      continue;
    }
    if (child.type !== "element") continue;
    for (const key in urlAttributes) {
      if (!Object.hasOwn(child.properties, key)) continue;
      const tags = urlAttributes[key];
      if (tags === null || tags.includes(child.tagName)) child.properties[key] = defaultUrlTransform(String(child.properties[key] || ""));
    }
    clean(child);
  }
}

function parse(text: string, plugins: MathPlugins | null): ReactElement {
  const fence = fencedCodeBlock(text);
  if (fence) return fencedCode(fence.code, fence.lang);
  const processor = processorFor(plugins);
  const tree = processor.runSync(processor.parse(text));
  clean(tree);
  return toJsxRuntime(tree, { Fragment, components: COMPONENTS, ignoreInvalidStyle: true, jsx, jsxs, passKeys: true });
}

/** Parsed blocks by text: enough for the messages on screen and a few screens around them. */
const CACHE_MAX = 600;
const cache = new Map<string, ReactElement>();

/** The block rendered; parsed only the first time this text (with or without math) is seen. */
export function renderBlock(text: string, plugins: MathPlugins | null): ReactElement {
  const key = `${plugins ? "m" : "g"}${text}`;
  let element = cache.get(key);
  if (element) {
    cache.delete(key);
  } else {
    element = parse(text, plugins);
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, element);
  return element;
}

/** For tests: forget every parsed block. */
export function clearRenderCache() {
  cache.clear();
}
