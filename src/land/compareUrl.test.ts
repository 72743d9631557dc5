import { describe, expect, it } from "vitest";
import { compareUrl } from "./compareUrl.js";

describe("compareUrl", () => {
  it("derives the compare page from GitHub-style remote URLs", () => {
    const want = "https://github.com/acme/app/compare/main...feat/x?expand=1";
    for (const url of ["git@github.com:acme/app.git", "https://github.com/acme/app.git", "https://github.com/acme/app", "ssh://git@github.com/acme/app.git"]) {
      expect(compareUrl(url, "main", "feat/x"), url).toBe(want);
    }
    expect(compareUrl("https://user@git.example.com/team/sub/app.git", "main", "a b")).toBe(
      "https://git.example.com/team/sub/app/compare/main...a%20b?expand=1",
    );
  });

  it("uses GitLab's new merge request page on a GitLab host", () => {
    expect(compareUrl("git@gitlab.com:acme/app.git", "main", "feat")).toBe(
      "https://gitlab.com/acme/app/-/merge_requests/new?merge_request%5Bsource_branch%5D=feat&merge_request%5Btarget_branch%5D=main",
    );
  });

  it("has none for a remote that is a path or a file URL", () => {
    for (const url of ["/srv/git/app.git", "../app.git", "file:///srv/git/app.git", "C:/repos/app.git"])
      expect(compareUrl(url, "main", "feat"), url).toBeNull();
  });
});
