// Loaded lazily (dynamic import from CodeBlock): shiki core + the JS regex engine, and each
// grammar in its own chunk, fetched the first time a block in that language is shown.
import type { GrammarState, LanguageRegistration, ThemedToken } from "shiki/core";
import { createHighlighterCore, type HighlighterCore } from "shiki/core";
import { createJavaScriptRegexEngine } from "shiki/engine/javascript";

type Grammar = () => Promise<{ default: LanguageRegistration[] }>;

const GRAMMARS: Record<string, Grammar> = {
  typescript: () => import("shiki/dist/langs/typescript.mjs"),
  tsx: () => import("shiki/dist/langs/tsx.mjs"),
  javascript: () => import("shiki/dist/langs/javascript.mjs"),
  jsx: () => import("shiki/dist/langs/jsx.mjs"),
  json: () => import("shiki/dist/langs/json.mjs"),
  jsonc: () => import("shiki/dist/langs/jsonc.mjs"),
  bash: () => import("shiki/dist/langs/bash.mjs"),
  python: () => import("shiki/dist/langs/python.mjs"),
  go: () => import("shiki/dist/langs/go.mjs"),
  rust: () => import("shiki/dist/langs/rust.mjs"),
  java: () => import("shiki/dist/langs/java.mjs"),
  c: () => import("shiki/dist/langs/c.mjs"),
  cpp: () => import("shiki/dist/langs/cpp.mjs"),
  csharp: () => import("shiki/dist/langs/csharp.mjs"),
  ruby: () => import("shiki/dist/langs/ruby.mjs"),
  php: () => import("shiki/dist/langs/php.mjs"),
  swift: () => import("shiki/dist/langs/swift.mjs"),
  kotlin: () => import("shiki/dist/langs/kotlin.mjs"),
  sql: () => import("shiki/dist/langs/sql.mjs"),
  yaml: () => import("shiki/dist/langs/yaml.mjs"),
  toml: () => import("shiki/dist/langs/toml.mjs"),
  html: () => import("shiki/dist/langs/html.mjs"),
  css: () => import("shiki/dist/langs/css.mjs"),
  scss: () => import("shiki/dist/langs/scss.mjs"),
  markdown: () => import("shiki/dist/langs/markdown.mjs"),
  diff: () => import("shiki/dist/langs/diff.mjs"),
  docker: () => import("shiki/dist/langs/docker.mjs"),
  make: () => import("shiki/dist/langs/make.mjs"),
  xml: () => import("shiki/dist/langs/xml.mjs"),
  graphql: () => import("shiki/dist/langs/graphql.mjs"),
  lua: () => import("shiki/dist/langs/lua.mjs"),
  ini: () => import("shiki/dist/langs/ini.mjs"),
  vue: () => import("shiki/dist/langs/vue.mjs"),
  svelte: () => import("shiki/dist/langs/svelte.mjs"),
  zig: () => import("shiki/dist/langs/zig.mjs"),
  elixir: () => import("shiki/dist/langs/elixir.mjs"),
  haskell: () => import("shiki/dist/langs/haskell.mjs"),
  powershell: () => import("shiki/dist/langs/powershell.mjs"),
  proto: () => import("shiki/dist/langs/proto.mjs"),
  hcl: () => import("shiki/dist/langs/hcl.mjs"),
};

const ALIASES: Record<string, string> = {
  ts: "typescript",
  mts: "typescript",
  cts: "typescript",
  js: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  sh: "bash",
  shell: "bash",
  zsh: "bash",
  console: "bash",
  shellscript: "bash",
  py: "python",
  python3: "python",
  golang: "go",
  rs: "rust",
  "c++": "cpp",
  cc: "cpp",
  hpp: "cpp",
  h: "c",
  cs: "csharp",
  "c#": "csharp",
  rb: "ruby",
  kt: "kotlin",
  kts: "kotlin",
  yml: "yaml",
  md: "markdown",
  dockerfile: "docker",
  makefile: "make",
  htm: "html",
  svg: "xml",
  gql: "graphql",
  patch: "diff",
  ps1: "powershell",
  pwsh: "powershell",
  protobuf: "proto",
  tf: "hcl",
  terraform: "hcl",
  ex: "elixir",
  exs: "elixir",
  hs: "haskell",
  conf: "ini",
  cfg: "ini",
  jsonl: "json",
  json5: "jsonc",
};

export function resolveLang(lang: string): string | null {
  const l = lang.toLowerCase();
  const name = ALIASES[l] ?? l;
  return name in GRAMMARS ? name : null;
}

const THEMES = { light: "github-light-default", dark: "github-dark-default" } as const;

let core: Promise<HighlighterCore> | null = null;
const loaded = new Map<string, Promise<void>>();

function highlighter(): Promise<HighlighterCore> {
  core ??= createHighlighterCore({
    themes: [import("shiki/dist/themes/github-light-default.mjs"), import("shiki/dist/themes/github-dark-default.mjs")],
    langs: [],
    engine: createJavaScriptRegexEngine({ forgiving: true }),
  });
  return core;
}

export type Tokens = ThemedToken[][];

/**
 * No time limit per line: a line cut short (the first lines in a language compile the grammar's
 * rules, slow on a busy machine) would stay plain in a streaming block's kept lines, and come out
 * differently from one pass to the next. Blocks are bounded by CodeBlock's size limit instead.
 */
const options = (lang: string, grammarState?: GrammarState) => ({ lang, themes: THEMES, defaultColor: false as const, grammarState, tokenizeTimeLimit: 0 });

async function ready(lang: string): Promise<HighlighterCore | null> {
  const name = resolveLang(lang);
  if (!name) return null;
  const hl = await highlighter();
  let grammar = loaded.get(name);
  if (!grammar) {
    grammar = GRAMMARS[name]().then((m) => hl.loadLanguage(m.default));
    loaded.set(name, grammar);
  }
  await grammar;
  return hl;
}

/** Tokens with `--shiki-light` / `--shiki-dark` colors (see chat.css), or null for unknown languages. */
export async function tokenize(code: string, lang: string): Promise<Tokens | null> {
  const hl = await ready(lang);
  return hl ? hl.codeToTokens(code, options(resolveLang(lang)!)).tokens : null;
}

/** The whole lines of a code block tokenized so far, and the grammar's state after them. */
export interface Progress {
  lang: string;
  /** Whole lines (each ending with a newline). */
  code: string;
  tokens: Tokens;
  state: GrammarState | undefined;
}

/**
 * Tokens for a code block that grows at the end (streaming in): the lines `from` covers are not
 * tokenized again, only the lines after them, from the grammar's state where `from` ended (a
 * TextMate grammar reads code line by line). The result is what `tokenize` gives for the whole
 * code; `progress` is where the next pass starts.
 */
export async function tokenizeFrom(code: string, lang: string, from: Progress | null): Promise<{ tokens: Tokens; progress: Progress } | null> {
  const hl = await ready(lang);
  if (!hl) return null;
  const name = resolveLang(lang)!;
  let done: Progress = from && from.lang === name && code.startsWith(from.code) ? from : { lang: name, code: "", tokens: [], state: undefined };
  const whole = code.lastIndexOf("\n") + 1;
  if (whole > done.code.length) {
    const result = hl.codeToTokens(code.slice(done.code.length, whole - 1), options(name, done.state));
    done = { lang: name, code: code.slice(0, whole), tokens: done.tokens.concat(result.tokens), state: result.grammarState };
  }
  // The last line (still arriving, or empty after a final newline) is not kept in the progress.
  const last = hl.codeToTokens(code.slice(whole), options(name, done.state)).tokens;
  return { tokens: done.tokens.concat(last), progress: done };
}
