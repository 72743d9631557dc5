import * as fs from "node:fs";
import * as path from "node:path";

/**
 * A `coder` executable speaking the Coder CLI's contract for what Mux uses (`whoami`,
 * `list -o json`, `create --template T NAME -y`, `start|stop|delete NAME -y`,
 * `ssh --stdio --disable-autostart NAME`) over a JSON state file instead of a deployment: tests
 * put its directory first on PATH. `ssh --stdio` bridges stdin/stdout to the test sshd on
 * loopback (refusing a workspace that is not running, as autostart is off), so everything from
 * Mux's side, ssh included, is real. Every call is appended to calls.log.
 */
export interface FakeCoderWorkspace {
  name: string;
  template: string;
  preset?: string;
  parameters?: Record<string, string>;
  status: "pending" | "starting" | "running" | "stopping" | "stopped" | "failed" | "canceling" | "canceled" | "deleting" | "deleted";
}

export interface FakeCoderState {
  signedIn: boolean;
  templates: string[];
  workspaces: FakeCoderWorkspace[];
  /** Where `coder ssh --stdio` connects (the test sshd). */
  sshPort: number;
  /** A template whose build fails (`coder create` exits 1 and leaves a failed workspace). */
  failingTemplate?: string;
  /** Each template's presets (`create --preset`); an unknown one is refused. */
  presets?: Record<string, string[]>;
  /** Parameters a template needs (from `--parameter NAME=VALUE` or its preset); creating without them fails, as non-interactive coder does. */
  requiredParameters?: Record<string, string[]>;
}

const SCRIPT = `#!/usr/bin/env node
const fs = require("fs");
const net = require("net");
const path = require("path");
const dir = __dirname;
const statePath = path.join(dir, "state.json");
const args = process.argv.slice(2);
fs.appendFileSync(path.join(dir, "calls.log"), JSON.stringify(args) + "\\n");
const state = JSON.parse(fs.readFileSync(statePath, "utf8"));
const save = () => { fs.writeFileSync(statePath + ".tmp", JSON.stringify(state, null, 2)); fs.renameSync(statePath + ".tmp", statePath); };
const fail = (cmd, msg) => {
  process.stderr.write('Encountered an error running "coder ' + cmd + '", see "coder ' + cmd + ' --help" for more information\\nerror: ' + msg + "\\n");
  process.exit(1);
};
const positional = args.slice(1).filter((a, i, all) => !a.startsWith("-") && !["-t", "--template", "-o", "--output", "--org", "-O", "--preset", "--parameter"].includes(all[i - 1]));
const valuesOf = (flag) => args.flatMap((a, i) => (a === flag && i + 1 < args.length ? [args[i + 1]] : []));
const find = (name) => state.workspaces.find((w) => w.name === name);
const cmd = args[0];
if (!state.signedIn) fail(cmd, "You are not logged in. Try logging in using 'coder login <url>'.");
const now = new Date().toISOString();
function asJson(w, i) {
  const transition = ["stopped", "stopping"].includes(w.status) ? "stop" : ["deleted", "deleting"].includes(w.status) ? "delete" : "start";
  const job = { running: "succeeded", stopped: "succeeded", failed: "failed", starting: "running", stopping: "running", pending: "pending" }[w.status] || "succeeded";
  return {
    id: "6a4b1c2d-0000-4000-8000-00000000000" + i, created_at: now, updated_at: now,
    owner_id: "0f1e2d3c-0000-4000-8000-000000000001", owner_name: "tester", owner_avatar_url: "",
    organization_id: "0f1e2d3c-0000-4000-8000-000000000002", organization_name: "coder",
    template_id: "0f1e2d3c-0000-4000-8000-000000000003", template_name: w.template, template_display_name: "",
    template_icon: "/icon/docker.png", template_allow_user_cancel_workspace_jobs: true, template_active_version_id: "0f1e2d3c-0000-4000-8000-000000000004",
    template_require_active_version: false,
    latest_build: {
      id: "0f1e2d3c-0000-4000-8000-00000000010" + i, created_at: now, updated_at: now, workspace_id: "6a4b1c2d-0000-4000-8000-00000000000" + i,
      workspace_name: w.name, workspace_owner_name: "tester", template_version_name: "v1", build_number: 1,
      transition, initiator_name: "tester", job: { status: job }, reason: "initiator", resources: [], deadline: null,
      status: w.status, daily_cost: 0,
    },
    latest_app_status: null, outdated: false, name: w.name, autostart_schedule: null, ttl_ms: 28800000,
    last_used_at: now, deleting_at: null, dormant_at: null, health: { healthy: w.status === "running", failing_agents: [] },
    automatic_updates: "never", allow_renames: false, favorite: false, next_start_at: null,
  };
}
if (cmd === "whoami") {
  process.stdout.write("Coder is running at https://coder.example.com/, You're authenticated as tester !\\n");
  process.exit(0);
}
if (cmd === "list") {
  process.stdout.write(JSON.stringify(state.workspaces.map(asJson), null, "\\t") + "\\n");
  process.exit(0);
}
if (cmd === "create") {
  const ti = Math.max(args.indexOf("--template"), args.indexOf("-t"));
  const template = ti >= 0 ? args[ti + 1] : undefined;
  const name = positional[0];
  if (!template || !state.templates.includes(template)) fail(cmd, 'Template "' + template + '" not found!');
  if (find(name)) fail(cmd, 'workspace "' + name + '" already exists');
  const preset = valuesOf("--preset")[0];
  if (preset && !((state.presets || {})[template] || []).includes(preset)) fail(cmd, 'preset "' + preset + '" not found for template "' + template + '"');
  const parameters = Object.fromEntries(valuesOf("--parameter").map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));
  for (const needed of (state.requiredParameters || {})[template] || []) {
    if (!(needed in parameters) && !preset) fail(cmd, 'parameter "' + needed + '" is required: pass --parameter ' + needed + '=<value>');
  }
  const ws = { name, template, status: template === state.failingTemplate ? "failed" : "running", ...(preset && { preset }), ...(Object.keys(parameters).length && { parameters }) };
  state.workspaces.push(ws);
  save();
  process.stdout.write("==> ⧗ Queued\\n=== ✔ Queued [0ms]\\n==> ⧗ Running\\n");
  if (ws.status === "failed") fail(cmd, "build failed: terraform apply exited 1");
  process.stdout.write("\\nThe " + name + " workspace has been created at " + now + "!\\n");
  process.exit(0);
}
if (cmd === "start" || cmd === "stop" || cmd === "delete") {
  const ws = find(positional[0]);
  if (!ws) fail(cmd, 'workspace "' + positional[0] + '" not found');
  if (cmd === "delete") state.workspaces = state.workspaces.filter((w) => w !== ws);
  else ws.status = cmd === "start" ? "running" : "stopped";
  save();
  process.stdout.write("\\nThe " + ws.name + " workspace has been " + (cmd === "start" ? "started" : cmd === "stop" ? "stopped" : "deleted") + " at " + now + "!\\n");
  process.exit(0);
}
if (cmd === "ssh" && args.includes("--stdio")) {
  const ws = find(positional[0]);
  if (!ws) fail(cmd, 'workspace "' + positional[0] + '" not found');
  if (ws.status !== "running") fail(cmd, "Workspace is " + ws.status + " and autostart is disabled: start it with 'coder start " + ws.name + "'");
  const sock = net.connect(state.sshPort, "127.0.0.1");
  process.stdin.pipe(sock);
  sock.pipe(process.stdout);
  sock.on("close", () => process.exit(0));
  sock.on("error", (e) => fail(cmd, e.message));
  process.stdin.on("end", () => sock.end());
  return;
}
fail(cmd || "", "unknown command " + args.join(" "));
`;

export interface FakeCoder {
  dir: string;
  /** PATH with this coder first. */
  path: string;
  state(): FakeCoderState;
  update(fn: (s: FakeCoderState) => void): void;
  /** Every call's arguments, in order. */
  calls(): string[][];
  /** The calls that change something (create, start, stop, delete), as command lines. */
  actions(): string[];
}

export function installFakeCoder(dir: string, state: Partial<FakeCoderState> & { sshPort: number }): FakeCoder {
  fs.mkdirSync(dir, { recursive: true });
  // A node script run as `coder`: the shebang's node is the one running the tests.
  fs.writeFileSync(path.join(dir, "coder"), SCRIPT.replace("#!/usr/bin/env node", `#!${process.execPath}`), { mode: 0o755 });
  const statePath = path.join(dir, "state.json");
  const write = (s: FakeCoderState) => fs.writeFileSync(statePath, JSON.stringify(s, null, 2));
  write({ signedIn: true, templates: ["docker-dev"], workspaces: [], ...state });
  const calls = (): string[][] => {
    const log = path.join(dir, "calls.log");
    return fs.existsSync(log)
      ? fs
          .readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l))
      : [];
  };
  return {
    dir,
    path: `${dir}${path.delimiter}${process.env.PATH ?? ""}`,
    state: (): FakeCoderState => JSON.parse(fs.readFileSync(statePath, "utf8")),
    update(fn) {
      const s = this.state();
      fn(s);
      write(s);
    },
    calls,
    actions: () =>
      calls()
        .filter((a) => ["create", "start", "stop", "delete"].includes(a[0]))
        .map((a) => a.join(" ")),
  };
}

/** An ssh_config for `*.coder` hosts with the test sshd's user and key (the port is the proxy's business). */
export function coderSshConfig(sshdConfigFile: string, out: string): string {
  const text = fs.readFileSync(sshdConfigFile, "utf8").replace(/^Host .*$/m, "Host *.coder");
  fs.writeFileSync(out, text);
  return out;
}
