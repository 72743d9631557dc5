import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors.js";
import { lineColumn, locate, parseJsonc } from "./jsonc.js";

const FILE = "/home/u/.mux/providers.jsonc";

/** The ConfigError parseJsonc throws for `text`. */
function parseError(text: string): ConfigError {
  try {
    parseJsonc(text, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected a parse error");
}

describe("parseJsonc", () => {
  it("accepts line and block comments and trailing commas", () => {
    const text = [
      "// Mux providers",
      "{",
      '  /* the main one */ "anthropic": { "apiKey": "sk-ant-x", }, // trailing comma',
      '  "models": ["a", "b",],',
      "}",
    ].join("\n");
    expect(parseJsonc(text, FILE)).toEqual({ anthropic: { apiKey: "sk-ant-x" }, models: ["a", "b"] });
  });

  it("keeps // inside strings", () => {
    expect(parseJsonc('{ "baseUrl": "http://h:1/v1" }', FILE)).toEqual({ baseUrl: "http://h:1/v1" });
  });

  it("treats an empty or fully commented-out file as an empty object", () => {
    expect(parseJsonc("", FILE)).toEqual({});
    expect(parseJsonc("  \n\n", FILE)).toEqual({});
    expect(parseJsonc('// {\n//   "openai": {}\n// }\n/* nothing */\n', FILE)).toEqual({});
  });

  it("names file:line:column of a missing comma", () => {
    const text = ["{", '  "openai": { "apiKey": "a" }', '  "anthropic": {}', "}"].join("\n");
    const err = parseError(text);
    expect(err.message).toBe(`${FILE}:3:3: comma expected`);
    expect([err.file, err.line, err.column]).toEqual([FILE, 3, 3]);
  });

  it("names the line of a missing comma between fields of a nested object", () => {
    const text = ["{", '  "openai": {', '    "apiKey": "a"', '    "baseUrl": "http://x"', "  }", "}"].join("\n");
    expect(parseError(text).message).toBe(`${FILE}:4:5: comma expected`);
  });

  it("names the position of trailing garbage after the object", () => {
    const text = ["{", '  "openai": {}', "}", "oops"].join("\n");
    expect(parseError(text).message).toBe(`${FILE}:4:1: invalid symbol`);
    expect(parseError('{ "openai": {} }\n}').message).toBe(`${FILE}:2:1: end of file expected`);
  });

  it("names the line of an unterminated string", () => {
    const text = ["{", "  // comment", '  "openai": { "apiKey": "sk-abc', "}"].join("\n");
    expect(parseError(text).message).toBe(`${FILE}:3:25: unexpected end of string`);
  });

  it("reports a missing value on the line where it is missing", () => {
    const err = parseError('{\n  "openai": \n}');
    expect(err.line).toBe(3);
    expect(err.message).toContain("value expected");
  });

  it("counts columns from 1 after CRLF line breaks", () => {
    const err = parseError('{\r\n  "a": 1\r\n  "b": 2\r\n}');
    expect([err.line, err.column]).toEqual([3, 3]);
  });
});

describe("lineColumn", () => {
  it("is 1-based", () => {
    expect(lineColumn("ab\ncd", 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn("ab\ncd", 3)).toEqual({ line: 2, column: 1 });
    expect(lineColumn("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
  });
});

describe("locate", () => {
  const text = [
    "{",
    "  // comment lines count too",
    '  "openai": {',
    '    "apiKey": "sk-x",',
    '    "prices": {',
    '      "gpt-x": { "input": 1, "output": 2 },',
    "    },",
    "  },",
    "}",
  ].join("\n");

  it("finds a nested field's value", () => {
    expect(locate(text, ["openai", "apiKey"])).toEqual({ line: 4, column: 15 });
    expect(locate(text, ["openai", "prices", "gpt-x", "output"])?.line).toBe(6);
  });

  it("points a missing field at its nearest existing parent", () => {
    expect(locate(text, ["openai", "prices", "missing"])).toEqual({ line: 5, column: 15 });
    expect(locate(text, ["nope"])).toEqual({ line: 1, column: 1 });
  });

  it("returns null for text that is not JSON at all", () => {
    expect(locate("", ["a"])).toBeNull();
  });
});
