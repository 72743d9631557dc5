/** Messages between the review and its highlighting worker. */

/**
 * A token as the page draws it: its text and the number of its colours (0: none). The worker
 * numbers each distinct set of `--shiki-*` colours once and sends the new ones with its reply, so
 * the page draws tokens with a class per colour instead of a style per token (style attributes on
 * thousands of spans make every scroll frame recompute styles).
 */
export type Tok = [content: string, colour: number];
/** Lines of tokens. */
export type TokLines = Tok[][];

/** Tokenize each of `codes` (one text each, in `lang`). */
export interface HighlightRequest {
  id: number;
  lang: string;
  codes: string[];
}

/** Per code its lines of tokens, or null (a language without grammar, or a failure); colours first used here. */
export interface HighlightReply {
  id: number;
  lines: (TokLines | null)[];
  colours: [number, string][];
}
