// What dist/ was built from: a hash of every input file's path and content per part (CLI, web),
// kept in dist/.build-stamp.json. Contents, not modification times: a checkout or a copy that
// touches every file changes nothing, and an edit is never missed however quickly it follows.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";

const STAMP = "dist/.build-stamp.json";
const SKIP = new Set(["node_modules", "dist", ".git"]);

function files(entry, out) {
  if (!existsSync(entry)) return out;
  if (!statSync(entry).isDirectory()) {
    out.push(entry);
    return out;
  }
  for (const name of readdirSync(entry).sort()) {
    if (!SKIP.has(name)) files(path.join(entry, name), out);
  }
  return out;
}

/** One hash over the given files and directories (relative to the current directory). */
export function inputsHash(entries) {
  const hash = createHash("sha256");
  for (const entry of entries) {
    for (const file of files(entry, [])) {
      hash.update(`${file}\0`);
      hash.update(readFileSync(file));
      hash.update("\0");
    }
  }
  return hash.digest("hex");
}

/** The hashes of the last successful build of each part; `{}` before the first build. */
export function readStamp() {
  try {
    return JSON.parse(readFileSync(STAMP, "utf8"));
  } catch {
    return {};
  }
}

export function writeStamp(stamp) {
  if (existsSync("dist")) writeFileSync(STAMP, `${JSON.stringify(stamp)}\n`);
}
