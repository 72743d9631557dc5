import * as fs from "node:fs";
import * as path from "node:path";

/**
 * A `gh` executable speaking the GitHub CLI's contract for what Mux uses (`auth status`,
 * `pr view <branch|url> --json …`, `pr create`), over a JSON state file instead of GitHub:
 * tests put its directory first on PATH. Every call is appended to calls.log.
 */
export interface FakeGhPr {
  number: number;
  url: string;
  headRefName: string;
  baseRefName: string;
  title: string;
  state: "OPEN" | "CLOSED" | "MERGED";
  isDraft: boolean;
  statusCheckRollup: Record<string, string>[];
}

export interface FakeGhState {
  signedIn: boolean;
  repo: string;
  prs: FakeGhPr[];
  /** The check rollup a newly created pull request starts with. */
  checksOnCreate?: Record<string, string>[];
}

const SCRIPT = `#!/usr/bin/env node
const fs = require("fs");
const path = require("path");
const dir = __dirname;
const statePath = path.join(dir, "state.json");
const args = process.argv.slice(2);
fs.appendFileSync(path.join(dir, "calls.log"), JSON.stringify({ args, cwd: process.cwd() }) + "\\n");
const state = JSON.parse(fs.readFileSync(statePath, "utf8"));
const save = () => fs.writeFileSync(statePath, JSON.stringify(state, null, 2));
const flag = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const fail = (msg, code = 1) => { process.stderr.write(msg + "\\n"); process.exit(code); };
if (args[0] === "auth" && args[1] === "status") {
  if (!state.signedIn) fail("You are not logged into any GitHub hosts. To log in, run: gh auth login");
  process.stderr.write("github.com\\n  ✓ Logged in to github.com account tester (keyring)\\n");
  process.exit(0);
}
if (!state.signedIn) fail("To get started with GitHub CLI, please run:  gh auth login", 4);
if (args[0] === "pr" && args[1] === "view") {
  const sel = args[2];
  const fields = (flag("--json") || "").split(",");
  const matches = state.prs.filter((p) => p.url === sel || p.headRefName === sel || String(p.number) === sel);
  const pr = matches.find((p) => p.state === "OPEN") || matches[matches.length - 1];
  if (!pr) fail('no pull requests found for branch "' + sel + '"');
  const out = {};
  for (const f of fields) out[f] = pr[f];
  process.stdout.write(JSON.stringify(out) + "\\n");
  process.exit(0);
}
if (args[0] === "pr" && args[1] === "create") {
  const head = flag("--head");
  if (state.prs.some((p) => p.headRefName === head && p.state === "OPEN")) fail('a pull request for branch "' + head + '" into branch "main" already exists');
  const number = state.prs.length + 1;
  const url = "https://github.com/" + state.repo + "/pull/" + number;
  state.prs.push({ number, url, headRefName: head, baseRefName: flag("--base") || "main", title: flag("--title") || head, state: "OPEN", isDraft: false, statusCheckRollup: state.checksOnCreate || [] });
  save();
  process.stderr.write("\\nCreating pull request for " + head + " into main in " + state.repo + "\\n\\n");
  process.stdout.write(url + "\\n");
  process.exit(0);
}
fail("unknown command " + args.join(" "));
`;

export function installFakeGh(dir: string, state: Partial<FakeGhState> = {}) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "gh"), SCRIPT, { mode: 0o755 });
  const statePath = path.join(dir, "state.json");
  const write = (s: FakeGhState) => fs.writeFileSync(statePath, JSON.stringify(s, null, 2));
  write({ signedIn: true, repo: "acme/app", prs: [], ...state });
  return {
    dir,
    /** PATH with this gh first. */
    path: `${dir}${path.delimiter}${process.env.PATH ?? ""}`,
    state: (): FakeGhState => JSON.parse(fs.readFileSync(statePath, "utf8")),
    update(fn: (s: FakeGhState) => void) {
      const s = this.state();
      fn(s);
      write(s);
    },
    calls: (): string[][] => {
      const log = path.join(dir, "calls.log");
      return fs.existsSync(log)
        ? fs
            .readFileSync(log, "utf8")
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l).args)
        : [];
    },
  };
}
