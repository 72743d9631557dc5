const SEPARATOR = /[\s\-_/:.…(]/;
const isWordStart = (t: string, i: number) => i === 0 || SEPARATOR.test(t[i - 1]) || (t[i - 1] >= "a" && t[i - 1] <= "z" && t[i] >= "A" && t[i] <= "Z");
/** No word boundary between two positions. */
const sameWord = (t: string, from: number, to: number) => !SEPARATOR.test(t.slice(from + 1, to + 1));

/**
 * Scores `text` against `query` (case-insensitive); null when it does not match. Each query
 * letter must start a word or stay in the word of the previous match ("nw", "new ws" → "New
 * workspace"), or the query must be a plain substring. Spaces in the query are ignored. Higher is better; shorter texts win ties.
 */
export function fuzzyScore(query: string, text: string): number | null {
  const q = query.toLowerCase().replace(/\s+/g, "");
  if (!q) return 0;
  const lower = text.toLowerCase();
  const memo = new Map<string, number | null>();
  const best = (qi: number, prev: number): number | null => {
    if (qi === q.length) return 0;
    const key = `${qi},${prev}`;
    if (memo.has(key)) return memo.get(key)!;
    let top: number | null = null;
    for (let j = lower.indexOf(q[qi], prev + 1); j >= 0; j = lower.indexOf(q[qi], j + 1)) {
      const consecutive = j === prev + 1 && qi > 0;
      const start = isWordStart(text, j);
      if (!consecutive && !start && !(qi > 0 && sameWord(lower, prev, j))) continue;
      const rest = best(qi + 1, j);
      if (rest !== null) top = Math.max(top ?? -Infinity, rest + 1 + (consecutive ? 3 : 0) + (start ? 2 : 0));
    }
    memo.set(key, top);
    return top;
  };
  const substring = lower.includes(q) ? q.length * 4 + 10 : null;
  const words = best(0, -1);
  const score = Math.max(words ?? -Infinity, substring ?? -Infinity);
  return score === -Infinity ? null : score - text.length / 100;
}

/** The items matching `query`, best first (stable for equal scores). */
export function fuzzyFilter<T>(query: string, items: T[], text: (item: T) => string): T[] {
  if (!query.trim()) return items;
  return items
    .map((item, index) => ({ item, index, score: fuzzyScore(query, text(item)) }))
    .filter((r): r is { item: T; index: number; score: number } => r.score !== null)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((r) => r.item);
}
