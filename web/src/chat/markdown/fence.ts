/**
 * A block that is one fenced code block and nothing else (closed or, while streaming, still
 * open) gives its code and language without a Markdown parse: the open block of a streaming
 * reply is often a long code fence, parsed again on every frame otherwise. Anything unusual
 * (an indented fence, escapes or entities in the info string, text after the closing fence,
 * carriage returns) returns null and goes through the parser; test/web/markdown.render.test.ts
 * checks that both give the same result.
 */
const OPEN = /^(`{3,}|~{3,})([^\n]*)$/;

export function fencedCodeBlock(block: string): { code: string; lang: string } | null {
  if (block.includes("\r")) return null;
  const firstBreak = block.indexOf("\n");
  const first = firstBreak < 0 ? block : block.slice(0, firstBreak);
  const open = OPEN.exec(first);
  if (!open) return null;
  const fence = open[1];
  const info = open[2].trim();
  if (/[\\&]/.test(info) || (fence[0] === "`" && info.includes("`"))) return null;
  const lines = firstBreak < 0 ? [] : block.slice(firstBreak + 1).split("\n");
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(lines[i]);
    if (close && close[1][0] === fence[0] && close[1].length >= fence.length) {
      if (i !== lines.length - 1) return null; // more after the closing fence
      end = i;
      break;
    }
  }
  return { code: lines.slice(0, end).join("\n"), lang: info.split(/[ \t]/, 1)[0] };
}
