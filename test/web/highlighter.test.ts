import { describe, expect, it } from "vitest";
import { type Progress, type Tokens, tokenize, tokenizeFrom } from "../../web/src/chat/markdown/highlighter.js";

/**
 * A code block streaming into the chat is highlighted pass by pass, each pass tokenizing only
 * the lines that came since the last one. It must look as the whole block highlighted at once.
 */

const CODE = `/** A comment that spans
 * several lines, so the grammar's state carries over. */
export function double(a: number): number {
  const s = \`template \${a} literal
still the template\`;
  return a * 2; // twice
}

const re = /a+b/g;
`;

const shown = (tokens: Tokens) => tokens.map((line) => line.map((t) => [t.content, t.htmlStyle]));

describe("streamed code highlighting", () => {
  it.each([3, 11, 40])("in %i-character pieces, each pass looks as the whole code at once", async (size) => {
    let progress: Progress | null = null;
    for (let end = size; end < CODE.length + size; end += size) {
      const code = CODE.slice(0, end);
      const result = await tokenizeFrom(code, "ts", progress);
      progress = result!.progress;
      expect(shown(result!.tokens)).toEqual(shown((await tokenize(code, "ts"))!));
    }
  });

  it("starts over when the code changed before where it got to", async () => {
    const first = await tokenizeFrom("const a = 1;\nconst b = 2;\n", "ts", null);
    const other = await tokenizeFrom("let x = 'y';\nconst b = 2;\n", "ts", first!.progress);
    expect(shown(other!.tokens)).toEqual(shown((await tokenize("let x = 'y';\nconst b = 2;\n", "ts"))!));
  });

  it("an unknown language is not highlighted", async () => {
    expect(await tokenizeFrom("x", "no-such-language", null)).toBeNull();
  });
});
