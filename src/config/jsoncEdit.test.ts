import { parse } from "jsonc-parser";
import { describe, expect, it } from "vitest";
import { removeJsoncProperty, removeJsoncPropertyIfEmpty, setJsoncValue } from "./jsoncEdit.js";

const FILE = `{
  // my gateway
  "openai": {
    "apiKey": "sk-work" // work key
  },
  "anthropic": { "apiKey": "sk-personal" } // personal
}
`;

describe("setJsoncValue", () => {
  it("a new field goes below the previous field's trailing comment, which stays on its line", () => {
    const text = setJsoncValue(FILE, ["openai", "baseUrl"], "http://gw.example/v1");
    expect(text).toBe(`{
  // my gateway
  "openai": {
    "apiKey": "sk-work", // work key
    "baseUrl": "http://gw.example/v1"
  },
  "anthropic": { "apiKey": "sk-personal" } // personal
}
`);
  });

  it("a new provider goes below the last provider's trailing comment", () => {
    const text = setJsoncValue(FILE, ["ollama"], { baseUrl: "http://localhost:11434/api" });
    expect(text).toContain(`"anthropic": { "apiKey": "sk-personal" }, // personal\n  "ollama": {\n    "baseUrl": "http://localhost:11434/api"\n  }\n}`);
    expect(parse(text)).toMatchObject({ ollama: { baseUrl: "http://localhost:11434/api" } });
  });

  it("keeps a trailing comma style", () => {
    const text = setJsoncValue(`{\n  "a": 1, // one\n}\n`, ["b"], 2);
    expect(text).toBe(`{\n  "a": 1, // one\n  "b": 2,\n}\n`);
  });

  it("replacing a value keeps the comment after it", () => {
    expect(setJsoncValue(FILE, ["openai", "apiKey"], "sk-new")).toContain(`"apiKey": "sk-new" // work key`);
  });

  it("adds to an empty file and to a one-line object", () => {
    expect(parse(setJsoncValue("{}", ["a"], { b: 1 }))).toEqual({ a: { b: 1 } });
    let fresh = setJsoncValue("{\n}\n", ["openai"], {});
    fresh = setJsoncValue(fresh, ["openai", "apiKey"], "k");
    fresh = setJsoncValue(fresh, ["openai", "wireFormat"], "chatCompletions");
    expect(fresh).toBe(`{\n  "openai": {\n    "apiKey": "k",\n    "wireFormat": "chatCompletions"\n  }\n}\n`);
    const text = setJsoncValue(FILE, ["anthropic", "baseUrl"], "http://x.example");
    expect(parse(text).anthropic).toEqual({ apiKey: "sk-personal", baseUrl: "http://x.example" });
    expect(text).toContain("// personal");
  });
});

describe("removeJsoncProperty", () => {
  it("removes the last field with its trailing comment and the comma before it, keeping the other comments", () => {
    const text = `{
  "anthropic": {
    "baseUrl": "https://gw.example.com/anthropic", // trailing note
    "apiKey": "sk-ant-old" // key note
  }
}
`;
    expect(removeJsoncProperty(text, ["anthropic", "apiKey"])).toBe(`{
  "anthropic": {
    "baseUrl": "https://gw.example.com/anthropic" // trailing note
  }
}
`);
  });

  it("removes a field in the middle with its comma", () => {
    const text = `{\n  // about a\n  "a": 1, // a\n  "b": 2\n}\n`;
    expect(removeJsoncProperty(text, ["a"])).toBe(`{\n  // about a\n  "b": 2\n}\n`);
  });

  it("leaves the text alone when the property is missing", () => {
    expect(removeJsoncProperty(FILE, ["nope"])).toBe(FILE);
  });
});

describe("removeJsoncPropertyIfEmpty", () => {
  it("removes an object left empty, keeping the comments around it", () => {
    const text = `{
  // keys
  "openai": {
  }, // cleared
  "anthropic": { "apiKey": "x" }
}
`;
    expect(removeJsoncPropertyIfEmpty(text, ["openai"])).toBe(`{
  // keys
  "anthropic": { "apiKey": "x" }
}
`);
  });

  it("keeps comments that were inside the object, where the object was", () => {
    const text = `{
  "anthropic": { "apiKey": "x" },
  "openai": {
    // from the team vault
  }
}
`;
    const out = removeJsoncPropertyIfEmpty(text, ["openai"]);
    expect(out).toBe(`{
  "anthropic": { "apiKey": "x" }
  // from the team vault
}
`);
    expect(parse(out)).toEqual({ anthropic: { apiKey: "x" } });
  });

  it("keeps an object that still has fields", () => {
    expect(removeJsoncPropertyIfEmpty(FILE, ["openai"])).toBe(FILE);
  });
});
