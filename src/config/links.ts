import * as fs from "node:fs";
import * as path from "node:path";

/** As many links as the kernel follows before it gives up (ELOOP). */
const MAX_HOPS = 40;

/**
 * Where a file really lives: links in its directory path and a link at the file itself are
 * followed (a dangling link gives the path it points to). Writing there instead of through the
 * link keeps the user's links: `~/.mux` linked to `~/.xum`, or `config.json` linked into a
 * dotfiles repository, stay links and their target gets the new content.
 */
export function realFilePath(file: string): string {
  let current = inRealDir(path.resolve(file));
  for (let hops = 0; hops < MAX_HOPS; hops++) {
    let target: string;
    try {
      target = fs.readlinkSync(current);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // EINVAL: not a link; ENOENT: nothing there yet (it will be created as a plain file).
      if (code === "EINVAL" || code === "ENOENT") return current;
      throw err;
    }
    current = inRealDir(path.resolve(path.dirname(current), target));
  }
  throw new Error(`${file}: too many levels of symbolic links`);
}

/** `file` with its directory resolved through links, when that directory exists. */
function inRealDir(file: string): string {
  try {
    return path.join(fs.realpathSync(path.dirname(file)), path.basename(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return file;
    throw err;
  }
}
