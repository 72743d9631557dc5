import { ConfigError } from "../config/errors.js";

/**
 * Makes a workspace name that is also a valid branch and directory name: letters, digits, `.`,
 * `_` and `-`; no leading `-`/`.`, no `..`, no `.lock` suffix; at most 64 characters.
 */
export function sanitizeName(input: string): string {
  const name = input
    .trim()
    .replace(/\s+/g, "-")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/\.{2,}/g, ".")
    .replace(/-{2,}/g, "-")
    .replace(/^[-.]+/, "")
    .replace(/(\.lock)+$/i, "")
    .replace(/[-.]+$/, "")
    .slice(0, 64)
    .replace(/[-.]+$/, "");
  if (!name) throw new ConfigError(`"${input}" cannot be used as a workspace name: use letters, digits, ".", "_" or "-"`);
  return name;
}

const ADJECTIVES = ["amber", "brisk", "calm", "deft", "eager", "fleet", "glad", "keen", "lucid", "nimble", "quiet", "swift", "tidy", "vivid", "witty"];
const NOUNS = ["otter", "falcon", "maple", "comet", "harbor", "lynx", "pine", "river", "summit", "wren", "cedar", "delta", "ember", "fjord", "quartz"];

/** A short, memorable name not yet used in the project. */
export function suggestName(taken: Set<string>, random: () => number = Math.random): string {
  for (let i = 0; i < 50; i++) {
    const name = `${ADJECTIVES[Math.floor(random() * ADJECTIVES.length)]}-${NOUNS[Math.floor(random() * NOUNS.length)]}`;
    if (!taken.has(name)) return name;
  }
  for (let n = 2; ; n++) if (!taken.has(`workspace-${n}`)) return `workspace-${n}`;
}
