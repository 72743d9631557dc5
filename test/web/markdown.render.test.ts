import { createElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { beforeAll, describe, expect, it } from "vitest";
import { COMPONENTS } from "../../web/src/chat/markdown/components.js";
import { fencedCodeBlock } from "../../web/src/chat/markdown/fence.js";
import type { MathPlugins } from "../../web/src/chat/markdown/math.js";
import { clearRenderCache, renderBlock } from "../../web/src/chat/markdown/render.js";
import { createBlockSplitter, protectCurrency, splitBlocks } from "../../web/src/chat/markdownBlocks.js";

/**
 * The chat renders Markdown block by block, parsing each block once (web/src/chat/markdown/
 * render.tsx) and splitting a growing message again only at its end (markdownBlocks.ts). What a
 * user sees must not depend on that: these tests render with react-markdown, as the chat did
 * before, and compare the HTML.
 */

beforeAll(() => {
  // Images compare their URL with the page's origin.
  (globalThis as { window?: unknown }).window ??= { location: { href: "http://127.0.0.1:7890/", origin: "http://127.0.0.1:7890" } };
});

const html = (node: ReactNode) => renderToStaticMarkup(createElement("div", { className: "mux-md" }, node));

/** What react-markdown renders for one block (the chat before blocks were cached). */
const reference = (block: string, math?: MathPlugins) =>
  createElement(
    ReactMarkdown,
    { remarkPlugins: math ? [remarkGfm, ...math.remarkPlugins] : [remarkGfm], rehypePlugins: math?.rehypePlugins, components: COMPONENTS },
    math ? protectCurrency(block) : block,
  );

const referenceBlocks = new Map<string, string>();
/** A whole message as the chat rendered it: each block of splitBlocks, as react-markdown renders it. */
const referenceMessage = (text: string) =>
  splitBlocks(text)
    .map((b) => {
      let h = referenceBlocks.get(b);
      if (h === undefined) referenceBlocks.set(b, (h = html(reference(b))));
      return h;
    })
    .join("");

const TABLE =
  "| file | lines | note |\n| :--- | ---: | :---: |\n| `a.ts` | 12 | **new** |\n| b.ts | 3 | ~~gone~~ |\n| c \\| d | 0 | [link](https://example.com) |";
const NESTED_LIST =
  "1. First step, with `code`\n2. Second step:\n   - read the log\n   - fold the events\n     1. deeper\n     2. deeper still\n3. Third step\n\n   continued after a blank line\n4. [x] done item";
const CODE = "```ts\nexport function f(a: number): number {\n  // a comment with `ticks`\n\n  return a * 2;\n}\n```";

/** Blocks that exercise the parser and the code-fence shortcut. */
const BLOCKS = [
  "# Heading with *emphasis* and `code`",
  'A paragraph with **bold**, _italics_, ~~strike~~, a [link](https://example.com "title"), an autolink https://example.com/x?y=1 and a footnote-like [^1].',
  "Unsafe [link](javascript:alert(1)) and <b>raw html</b> and <script>alert(1)</script>.",
  "![local image](/logo.png) and ![remote](https://evil.example/x.png) and ![data](data:image/png;base64,AAAA)",
  "> a quote\n> - with a list\n> - in it",
  TABLE,
  NESTED_LIST,
  "- [ ] open task\n- [x] done task",
  "Line one  \nhard break, then\\\nanother",
  "---",
  CODE,
  "```ts\nunclosed while streaming\n\nstill code",
  "```",
  "```python",
  "```python\n",
  "```\nno language\n```",
  "~~~sh title=run.sh\necho `ticks` are fine in a tilde fence\n~~~",
  "````md\n```inner```\n```\n````",
  "```js\nshort closer does not close\n``\nstill code\n```",
  "```js\n  indented body\n\ttab body\n   ```",
  "  ```js\n  indented fence\n    more\n  ```",
  "```c\\+\\+\nescaped info\n```",
  "```ts\nclosed\n```\ntext right after the fence",
  "```ts\nclosed with trailing spaces\n```   ",
  "```mermaid\ngraph TD; A-->B\n```",
  "```math\nx^2\n```",
  "```a`b\nbackticks in a backtick info string: not a fence\n```",
];

describe("Markdown blocks render as react-markdown renders them", () => {
  it.each(BLOCKS.map((b) => [b.split("\n")[0], b]))("%s", (_, block) => {
    clearRenderCache();
    expect(html(renderBlock(block, null))).toBe(html(reference(block)));
    // Again, from the cache.
    expect(html(renderBlock(block, null))).toBe(html(reference(block)));
  });

  it("with math", async () => {
    const m = await import("../../web/src/chat/markdown/mathPlugins.js");
    const math: MathPlugins = { remarkPlugins: m.remarkPlugins, rehypePlugins: m.rehypePlugins };
    for (const block of ["Euler: $e^{i\\pi} + 1 = 0$ costs $5 and $10.", "$$\n\\int_0^1 x\\,dx\n$$", TABLE]) {
      expect(html(renderBlock(protectCurrency(block), math))).toBe(html(reference(block, math)));
    }
  });

  it("takes the code-fence shortcut only for a block that is one fence", () => {
    expect(fencedCodeBlock(CODE)).toEqual({ lang: "ts", code: CODE.split("\n").slice(1, -1).join("\n") });
    expect(fencedCodeBlock("```ts\nunclosed\n")).toEqual({ lang: "ts", code: "unclosed\n" });
    expect(fencedCodeBlock("~~~sh title=run.sh\necho\n~~~")).toEqual({ lang: "sh", code: "echo" });
    expect(fencedCodeBlock("```ts\nclosed\n```\ntext right after the fence")).toBeNull();
    expect(fencedCodeBlock("  ```js\nindented\n  ```")).toBeNull();
    expect(fencedCodeBlock("A paragraph")).toBeNull();
  });
});

/** A reply an agent might stream: every kind of block, some opened and closed across deltas. */
const REPLY = [
  "## Plan",
  "I read the code first. Then:",
  NESTED_LIST,
  CODE,
  TABLE,
  "- a list\n- that grows\n\n- loose, after a blank line\n  with a continuation",
  "```diff\n- old\n+ new\n```",
  "Done: see `a.ts` and **b.ts**.",
].join("\n\n");

/** The text as it arrives: prefixes growing by `size` characters. */
function* prefixes(text: string, size: number) {
  for (let i = size; i < text.length + size; i += size) yield text.slice(0, i);
}

describe("streamed Markdown renders the same as the finished message", () => {
  it.each([1, 4, 7])("in %i-character deltas, each step splits as the whole text would", (size) => {
    const split = createBlockSplitter();
    for (const prefix of prefixes(REPLY, size)) expect(split(prefix)).toEqual(splitBlocks(prefix));
  });

  it("each step and the end look as a fresh render of that text", () => {
    clearRenderCache();
    const split = createBlockSplitter();
    // A block's element renders the same each time: render each one once.
    const shown = new WeakMap<object, string>();
    const streamed = (text: string) =>
      split(text)
        .map((b) => {
          const element = renderBlock(b, null);
          let h = shown.get(element);
          if (h === undefined) shown.set(element, (h = html(element)));
          return h;
        })
        .join("");
    let last = "";
    for (const prefix of prefixes(REPLY, 4)) {
      last = streamed(prefix);
      expect(last).toBe(referenceMessage(prefix));
    }
    // The finished message, rendered with nothing cached (as after a reload).
    clearRenderCache();
    const fresh = createBlockSplitter();
    expect(last).toBe(
      fresh(REPLY)
        .map((b) => html(renderBlock(b, null)))
        .join(""),
    );
  });

  it("a list item still arriving after a blank line joins the list", () => {
    const split = createBlockSplitter();
    const start = "intro\n\nmore\n\n- one\n\n";
    split(start);
    expect(split(`${start}2`)).toEqual(["intro", "more", "- one", "2"]);
    expect(split(`${start}-`)).toEqual(["intro", "more", "- one", "-"]);
    expect(split(`${start}- two`)).toEqual(["intro", "more", "- one\n\n- two"]);
  });

  it("an edited text (not only appended to) is split again from the start", () => {
    const split = createBlockSplitter();
    split("a\n\nb\n\nc\n\nd");
    expect(split("a\n\nB\n\nc\n\nd e")).toEqual(["a", "B", "c", "d e"]);
  });
});
