/**
 * One line of a chat file as JSON, fast also when it holds images. Images are stored inline (a
 * `data:` URL, as the original Mux stores them), so a chat with screenshots is mostly base64;
 * JSON.parse would read every byte of it. Instead, each long `"data:…"` string is cut out
 * before parsing and put back after as a slice of the line (V8 shares a slice's memory): only the
 * rest is parsed. The result is exactly JSON.parse's.
 */

/** Strings shorter than this are left to JSON.parse (cutting them out would not pay). */
const CUT_FROM = 4096;
/**
 * Stands for the n-th cut-out string while the line is parsed: as it is written in the JSON text
 * (an escaped NUL), and as JSON.parse reads it. A line that holds it already is parsed as it is.
 */
const MARK_TEXT = "\\u0000mux-data-url:";
const MARK = "\u0000mux-data-url:";

export function parseChatLine(text: string): unknown {
  if (text.length < CUT_FROM || text.includes(MARK_TEXT)) return JSON.parse(text);
  const cuts: string[] = [];
  let rest = "";
  let from = 0;
  for (let at = text.indexOf('"data:', from); at !== -1; at = text.indexOf('"data:', from)) {
    const end = text.indexOf('"', at + 1);
    if (end === -1) break;
    const backslash = text.indexOf("\\", at + 1);
    // Only a long string without escapes is cut out: its characters are its value.
    if (end - at > CUT_FROM && (backslash === -1 || backslash > end)) {
      rest += `${text.slice(from, at)}"${MARK_TEXT}${cuts.length}"`;
      cuts.push(text.slice(at + 1, end));
    } else rest += text.slice(from, end + 1);
    from = end + 1;
  }
  if (!cuts.length) return JSON.parse(text);
  return restore(JSON.parse(rest + text.slice(from)), cuts);
}

function restore(value: unknown, cuts: string[]): unknown {
  if (typeof value === "string") return value.startsWith(MARK) ? cuts[Number(value.slice(MARK.length))] : value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = restore(value[i], cuts);
  } else if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = restore(record[key], cuts);
  }
  return value;
}
