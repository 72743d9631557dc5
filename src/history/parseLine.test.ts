import { describe, expect, it } from "vitest";
import { makePng } from "../../test/helpers/images.js";
import { parseChatLine } from "./parseLine.js";

const big = makePng(200, 100, { noise: true }).toString("base64");
const url = `data:image/png;base64,${big}`;

describe("parseChatLine", () => {
  it.each([
    ["short lines", { id: "a", parts: [{ type: "text", text: "hi" }] }],
    ["inline images, several, at any depth", { id: "u", parts: [{ type: "text", text: "look" }, { type: "file", url }, { nested: [{ url: `${url}AA` }] }] }],
    ["a long string starting with data: that holds escapes", { parts: [{ type: "text", text: `data:${"x".repeat(5000)}\n"quoted"\\` }, { url }] }],
    ["a string that looks like the placeholder", { parts: [{ type: "text", text: "\u0000mux-data-url:0" }, { url }] }],
    ["text around images with quotes and unicode", { a: 'say "data:" — ok', b: url, c: "after ✓", d: ["data:", url, 1, null, true] }],
  ])("reads %s exactly as JSON.parse does", (_name, value) => {
    const line = JSON.stringify(value);
    expect(parseChatLine(line)).toEqual(JSON.parse(line));
  });

  it("fails on a torn line as JSON.parse does", () => {
    const line = JSON.stringify({ parts: [{ url }, { type: "text", text: "end" }] });
    expect(() => parseChatLine(line.slice(0, line.length - 20))).toThrow(SyntaxError);
    expect(() => parseChatLine(line.slice(0, 5000))).toThrow(SyntaxError);
  });
});
