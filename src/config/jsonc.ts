import { findNodeAtLocation, type JSONPath, type ParseError, parse, parseTree, printParseErrorCode, stripComments } from "jsonc-parser";
import { ConfigError } from "./errors.js";

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** True for an empty file, or one whose every line is blank or commented out. */
export function isBlankJsonc(text: string): boolean {
  return stripComments(text).trim() === "";
}

/** Parses JSON with comments and trailing commas; a syntax error names file, line and column. */
export function parseJsonc(text: string, file: string): unknown {
  // A blank file is an empty object.
  if (isBlankJsonc(text)) return {};
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const first = errors[0];
    const { line, column } = lineColumn(text, first.offset);
    throw new ConfigError(`${file}:${line}:${column}: ${describeParseError(first.error)}`, file, line, column);
  }
  return value ?? {};
}

function describeParseError(code: number): string {
  const name = printParseErrorCode(code);
  // "PropertyNameExpected" → "property name expected"
  return name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

/** Line/column of the value at a JSON path, for schema errors that point into the file. */
export function locate(text: string, jsonPath: JSONPath): { line: number; column: number } | null {
  const root = parseTree(text, [], { allowTrailingComma: true });
  if (!root) return null;
  let node = findNodeAtLocation(root, jsonPath);
  // Walk up to the nearest existing ancestor (a missing field points at its parent object).
  let p = jsonPath;
  while (!node && p.length > 0) {
    p = p.slice(0, -1);
    node = findNodeAtLocation(root, p);
  }
  return node ? lineColumn(text, node.offset) : null;
}
