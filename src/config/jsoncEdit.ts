import {
  applyEdits,
  createScanner,
  type Edit,
  type FormattingOptions,
  findNodeAtLocation,
  type JSONPath,
  modify,
  type Node,
  parseTree,
  type SyntaxKind,
} from "jsonc-parser";

/**
 * Edits of a JSONC file that a person also edits by hand: the user's comments stay on the lines
 * they were written on. jsonc-parser's own `modify` inserts a new property between the previous
 * value and that value's trailing comment (`"a": 1, "b": 2 // about a`), and removing a property
 * leaves its trailing comment behind on a line of its own; these functions do neither.
 */

/** jsonc-parser's token kinds (a `const enum`, which isolated modules cannot read). */
const Kind = {
  CommaToken: 5 as SyntaxKind.CommaToken,
  LineCommentTrivia: 12 as SyntaxKind.LineCommentTrivia,
  BlockCommentTrivia: 13 as SyntaxKind.BlockCommentTrivia,
  LineBreakTrivia: 14 as SyntaxKind.LineBreakTrivia,
  Trivia: 15 as SyntaxKind.Trivia,
  EOF: 17 as SyntaxKind.EOF,
};

const FORMAT: FormattingOptions = { insertSpaces: true, tabSize: 2, eol: "\n" };

function tree(text: string): Node | undefined {
  return parseTree(text, [], { allowTrailingComma: true });
}

/** What follows a value up to the end of its line: an optional comma, then only comments. */
interface LineTail {
  /** Offset of a comma right after the value (on the same line), if any. */
  comma: number | null;
  /** Offset of the line break (or the end of the text) ending the line. */
  end: number;
  /** Nothing but spaces, one comma and single-line comments follow the value on its line. */
  clean: boolean;
}

function lineTail(text: string, offset: number): LineTail {
  const scanner = createScanner(text, false);
  scanner.setPosition(offset);
  let comma: number | null = null;
  for (;;) {
    const kind = scanner.scan();
    const at = scanner.getTokenOffset();
    switch (kind) {
      case Kind.Trivia:
      case Kind.LineCommentTrivia:
        continue;
      case Kind.BlockCommentTrivia:
        if (text.slice(at, at + scanner.getTokenLength()).includes("\n")) return { comma, end: at, clean: false };
        continue;
      case Kind.CommaToken:
        if (comma !== null) return { comma, end: at, clean: false };
        comma = at;
        continue;
      case Kind.LineBreakTrivia:
      case Kind.EOF:
        return { comma, end: at, clean: true };
      default:
        return { comma, end: at, clean: false };
    }
  }
}

/** Start of the line holding `offset`. */
function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/** The node starts its line (only indentation before it). */
function startsLine(text: string, offset: number): boolean {
  return text.slice(lineStart(text, offset), offset).trim() === "";
}

/** Sets the value at `path` (creating the property when missing); `undefined` removes it. */
export function setJsoncValue(text: string, path: JSONPath, value: unknown): string {
  if (value === undefined) return removeJsoncProperty(text, path);
  const root = tree(text);
  const parent = root && path.length > 0 ? findNodeAtLocation(root, path.slice(0, -1)) : undefined;
  const exists = root && findNodeAtLocation(root, path) !== undefined;
  const last = parent?.type === "object" ? parent.children?.at(-1) : undefined;
  const key = path.at(-1);
  if (!exists && last && typeof key === "string" && startsLine(text, last.offset)) {
    const tail = lineTail(text, last.offset + last.length);
    if (tail.clean) return appendProperty(text, last, tail, key, value);
  }
  // Replacing a value, or adding to an empty or one-line object: nothing sits between the
  // value and a comment there, so jsonc-parser's edit (and its formatting) is right.
  return applyEdits(text, modify(text, path, value, { formattingOptions: FORMAT }));
}

/**
 * Adds a property on a new line after the object's last one, below that line's trailing comment
 * (which stays with the property it describes). A trailing comma is kept in the file's style.
 */
function appendProperty(text: string, last: Node, tail: LineTail, key: string, value: unknown): string {
  const indent = text.slice(lineStart(text, last.offset), last.offset);
  const json = JSON.stringify(value, null, FORMAT.tabSize).replace(/\n/g, `\n${indent}`);
  const property = `\n${indent}${JSON.stringify(key)}: ${json}${tail.comma !== null ? "," : ""}`;
  const lastEnd = last.offset + last.length;
  if (tail.comma !== null) return applyEdits(text, [{ offset: tail.end, length: 0, content: property }]);
  // The comma goes right after the value, before its comment (one edit when nothing is between).
  if (lastEnd === tail.end) return applyEdits(text, [{ offset: lastEnd, length: 0, content: `,${property}` }]);
  return applyEdits(text, [
    { offset: lastEnd, length: 0, content: "," },
    { offset: tail.end, length: 0, content: property },
  ]);
}

/** The comma separating the property from the one before it (it may follow a comment). */
function commaBefore(text: string, previous: Node, before: number): number | null {
  const scanner = createScanner(text, false);
  scanner.setPosition(previous.offset + previous.length);
  for (;;) {
    const kind = scanner.scan();
    if (scanner.getTokenOffset() >= before || kind === Kind.EOF) return null;
    if (kind === Kind.CommaToken) return scanner.getTokenOffset();
  }
}

interface Removal {
  text: string;
  /** Where the property was; `indent` is its indentation when it had lines of its own. */
  at: number;
  indent: string | null;
}

function removeNode(text: string, property: Node): Removal {
  const siblings = property.parent?.children ?? [];
  const index = siblings.indexOf(property);
  let start = property.offset;
  let end = property.offset + property.length;
  const tail = lineTail(text, end);
  const edits: Edit[] = [];
  if (tail.comma !== null) end = tail.comma + 1;
  else if (index > 0) {
    // The last property: the comma after the previous one goes, not the comment that may follow it.
    const comma = commaBefore(text, siblings[index - 1], start);
    if (comma !== null) edits.push({ offset: comma, length: 1, content: "" });
  }
  let indent: string | null = null;
  if (startsLine(text, start) && tail.clean) {
    // The property's lines go entirely, with a comment trailing it (it was about this property).
    indent = text.slice(lineStart(text, start), start);
    start = lineStart(text, start);
    end = tail.end < text.length ? tail.end + 1 : tail.end;
  }
  edits.push({ offset: start, length: end - start, content: "" });
  const at = start - (edits.length > 1 ? 1 : 0);
  return { text: applyEdits(text, edits), at, indent };
}

/** Removes the property at `path`; comments on lines of their own around it are kept. */
export function removeJsoncProperty(text: string, path: JSONPath): string {
  const root = tree(text);
  const property = root && findNodeAtLocation(root, path)?.parent;
  if (property?.type !== "property") return text;
  return removeNode(text, property).text;
}

/** The comments inside a node's text. */
function commentsIn(text: string, node: Node): string[] {
  const inner = text.slice(node.offset, node.offset + node.length);
  const scanner = createScanner(inner, false);
  const comments: string[] = [];
  for (let kind = scanner.scan(); kind !== Kind.EOF; kind = scanner.scan()) {
    // (getTokenValue() of a comment is not the comment's exact text)
    const token = inner.slice(scanner.getTokenOffset(), scanner.getTokenOffset() + scanner.getTokenLength());
    if (kind === Kind.LineCommentTrivia || kind === Kind.BlockCommentTrivia) comments.push(token);
  }
  return comments;
}

/**
 * Removes the property at `path` when its value is an object with nothing left in it. Comments
 * that were inside it stay where the object was, as lines of their own.
 */
export function removeJsoncPropertyIfEmpty(text: string, path: JSONPath): string {
  const root = tree(text);
  const node = root && findNodeAtLocation(root, path);
  if (node?.type !== "object" || (node.children?.length ?? 0) > 0 || node.parent?.type !== "property") return text;
  const comments = commentsIn(text, node);
  const removed = removeNode(text, node.parent);
  if (comments.length === 0) return removed.text;
  const indent = removed.indent ?? "";
  const lines = comments.map((c) => `${indent}${c}\n`).join("");
  const at = removed.indent === null ? removed.at : lineStart(removed.text, removed.at);
  return removed.text.slice(0, at) + (removed.indent === null ? `\n${lines}` : lines) + removed.text.slice(at);
}
