/**
 * The web page where a pull (merge) request for `branch` into `trunk` can be opened, derived from
 * the remote's URL; null for a remote that is not on a GitHub- or GitLab-style web host (a path,
 * a file:// URL).
 */
export function compareUrl(remoteUrl: string, trunk: string, branch: string): string | null {
  const repo = webRepo(remoteUrl);
  if (!repo) return null;
  if (/gitlab/i.test(repo.host)) {
    const q = new URLSearchParams({ "merge_request[source_branch]": branch, "merge_request[target_branch]": trunk });
    return `https://${repo.host}/${repo.path}/-/merge_requests/new?${q}`;
  }
  return `https://${repo.host}/${repo.path}/compare/${encodeRef(trunk)}...${encodeRef(branch)}?expand=1`;
}

const encodeRef = (ref: string) => ref.split("/").map(encodeURIComponent).join("/");

/** `host` and `owner/repo` of `git@host:owner/repo.git`, `ssh://git@host[:port]/owner/repo`, `https://host/owner/repo.git`. */
function webRepo(url: string): { host: string; path: string } | null {
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.+?)(?:\.git)?\/?$/.exec(url);
  if (scp && !/^[a-z]+:\/\//i.test(url)) return check(scp[1], scp[2]);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!/^(https?|ssh|git):$/.test(parsed.protocol) || !parsed.hostname) return null;
  return check(parsed.hostname, parsed.pathname.replace(/^\/+/, "").replace(/(\.git)?\/?$/, ""));
}

/** A web repository path has an owner and a name at least. */
function check(host: string, path: string): { host: string; path: string } | null {
  return path.split("/").filter(Boolean).length >= 2 ? { host, path } : null;
}
