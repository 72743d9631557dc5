import { useCallback, useEffect, useState } from "react";
import type { z } from "zod";
import type { McpServerInputSchema, McpView } from "../../../src/api/mcp.js";
import { call } from "../api/client";
import { errorMessage } from "../state/errors";

type Server = McpView["servers"][number];
type ServerInput = z.infer<typeof McpServerInputSchema>;
type TestResult = { ok: true; tools: string[] } | { ok: false; error: string } | "testing";

/** How often the list is refreshed while open: a turn may start a server meanwhile. */
const REFRESH_MS = 2_000;

/**
 * Settings → MCP: the servers in mcp.jsonc (global, and the selected workspace's project's once
 * trusted), each one's state in the selected workspace, "Test connection", and edits of the
 * global file (its comments kept). Values of env variables and headers never come to the browser.
 */
export function McpSettings({ workspaceId }: { workspaceId: string | null }) {
  const scope = workspaceId ? { workspaceId } : {};
  const [view, setView] = useState<McpView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Server | "new" | null>(null);
  const [tests, setTests] = useState<Record<string, TestResult>>({});

  const load = useCallback(() => {
    call((api) => api.mcp.get(scope))
      .then((v) => {
        setView(v);
        setError(null);
      })
      .catch((e) => setError(errorMessage(e)));
  }, [workspaceId]);
  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const act = async (fn: () => Promise<McpView>) => {
    try {
      setView(await fn());
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const test = async (name: string) => {
    setTests((t) => ({ ...t, [name]: "testing" }));
    const result = await call((api) => api.mcp.test({ ...scope, name })).catch((e) => ({ ok: false as const, error: errorMessage(e) }));
    setTests((t) => ({ ...t, [name]: result }));
  };

  return (
    <div className="space-y-3" data-testid="mcp-settings">
      <p className="text-[12px] text-muted">
        Servers in <span className="font-mono">{view?.globalFile ?? "~/.mux/mcp.jsonc"}</span>
        {view?.project && (
          <>
            {" "}
            and <span className="font-mono">{view.project.file}</span>
          </>
        )}
        . Their tools reach the agent as <span className="font-mono">server_tool</span>; each workspace starts its own servers with its first message.
      </p>
      {error && (
        <div role="alert" className="text-err" data-testid="mcp-error">
          {error}
        </div>
      )}
      {view?.problems.map((p) => (
        <div key={p} role="alert" data-testid="mcp-problem" className="rounded border border-err/50 bg-err/10 px-3 py-2 font-mono text-[12px] text-err">
          {p}
        </div>
      ))}
      {view?.project?.exists && (
        <div className="flex items-center gap-2 rounded border border-line px-3 py-2 text-[12px]" data-testid="mcp-project-trust">
          <span className="flex-1">
            {view.project.trusted
              ? "This project's own servers are used."
              : "This project has its own MCP servers. They run programs from the repository: they are used only once you trust it."}
          </span>
          <button
            type="button"
            className="btn"
            data-testid="mcp-trust"
            onClick={() => workspaceId && act(() => call((api) => api.mcp.trust({ workspaceId, trusted: !view.project?.trusted })))}
          >
            {view.project.trusted ? "Stop trusting" : "Trust this project"}
          </button>
        </div>
      )}
      {view && !view.servers.length && <p className="text-muted">No MCP servers yet.</p>}
      {view?.servers.map((s) => (
        <ServerRow
          key={`${s.scope}:${s.name}`}
          server={s}
          test={tests[s.name]}
          onTest={() => test(s.name)}
          onEdit={s.scope === "global" ? () => setEditing(s) : undefined}
          onRemove={s.scope === "global" ? () => act(() => call((api) => api.mcp.remove({ ...scope, name: s.name }))) : undefined}
          onToggle={
            workspaceId && s.status
              ? (enabled) => {
                  // Shown at once (the switch follows the click); the server's answer then replaces it.
                  setView((v) => v && { ...v, servers: v.servers.map((x) => (x === s && x.status ? { ...x, status: { ...x.status, enabled } } : x)) });
                  void act(() => call((api) => api.mcp.setEnabled({ workspaceId, name: s.name, enabled })));
                }
              : undefined
          }
        />
      ))}
      {editing ? (
        <ServerForm
          server={editing === "new" ? undefined : editing}
          taken={view?.servers.map((s) => s.name) ?? []}
          onCancel={() => setEditing(null)}
          onSave={async (input) => {
            const v = await call((api) => api.mcp.save({ ...scope, ...input }));
            setView(v);
            setEditing(null);
          }}
        />
      ) : (
        <button type="button" className="btn" data-testid="mcp-add" onClick={() => setEditing("new")}>
          + Add MCP server
        </button>
      )}
    </div>
  );
}

function statusText(s: Server): { text: string; tone: string } {
  if (!s.status) return { text: s.disabled ? "off by default" : "configured", tone: "text-muted" };
  switch (s.status.state) {
    case "connected":
      return { text: `connected · ${s.status.tools?.length ?? 0} tools`, tone: "border-ok/50 text-ok" };
    case "error":
      return { text: "error", tone: "border-err/50 text-err" };
    case "starting":
      return { text: "starting…", tone: "text-muted" };
    case "disabled":
      return { text: "off in this workspace", tone: "text-muted" };
    default:
      return { text: "not started", tone: "text-muted" };
  }
}

interface RowProps {
  server: Server;
  test?: TestResult;
  onTest: () => void;
  onEdit?: () => void;
  onRemove?: () => void;
  onToggle?: (enabled: boolean) => void;
}

function ServerRow({ server: s, test, onTest, onEdit, onRemove, onToggle }: RowProps) {
  const t = (suffix: string) => `mcp-${s.name}-${suffix}`;
  const status = statusText(s);
  return (
    <section data-testid={`mcp-${s.name}`} className="rounded border border-line bg-bg/40 p-3">
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="font-semibold">{s.name}</h3>
        <span className="badge">{s.scope}</span>
        <span className="badge">{s.transport}</span>
        <span data-testid={t("status")} className={`badge ${status.tone}`}>
          {status.text}
        </span>
        <span className="flex-1" />
        {onToggle && (
          <label className="flex items-center gap-1 text-[12px]">
            <input type="checkbox" data-testid={t("enabled")} checked={s.status?.enabled ?? false} onChange={(e) => onToggle(e.target.checked)} />
            on in this workspace
          </label>
        )}
        <button type="button" className="btn" data-testid={t("test")} onClick={onTest}>
          Test connection
        </button>
        {onEdit && (
          <button type="button" className="btn" data-testid={t("edit")} onClick={onEdit}>
            Edit
          </button>
        )}
        {onRemove && (
          <button type="button" className="btn btn-danger" data-testid={t("remove")} onClick={onRemove}>
            Remove
          </button>
        )}
      </div>
      <p className="mt-1 font-mono text-[12px] break-all text-muted">
        {s.url ?? [s.command, ...(s.args ?? [])].join(" ")}
        {s.envKeys.length > 0 && <> · env: {s.envKeys.join(", ")}</>}
        {s.headerKeys.length > 0 && <> · headers: {s.headerKeys.join(", ")}</>}
      </p>
      {s.status?.state === "error" && s.status.error && (
        <p data-testid={t("error")} className="mt-1 font-mono text-[12px] whitespace-pre-wrap text-err">
          {s.status.error}
        </p>
      )}
      {s.status?.tools && s.status.tools.length > 0 && <p className="mt-1 text-[12px] text-muted">tools: {s.status.tools.join(", ")}</p>}
      {test && (
        <p data-testid={t("test-result")} className={`mt-1 text-[12px] ${test !== "testing" && !test.ok ? "text-err" : "text-ok"}`}>
          {test === "testing" ? "Testing…" : test.ok ? `Connected: ${test.tools.length} tools (${test.tools.join(", ")})` : test.error}
        </p>
      )}
    </section>
  );
}

/** `KEY=value` lines: new or replaced values (existing ones are kept unless removed). */
function parsePairs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

interface FormProps {
  server?: Server;
  taken: string[];
  onCancel: () => void;
  onSave: (input: ServerInput) => Promise<void>;
}

function ServerForm({ server, taken, onCancel, onSave }: FormProps) {
  const [name, setName] = useState(server?.name ?? "");
  const [kind, setKind] = useState<"stdio" | "http">(server && server.transport !== "stdio" ? "http" : "stdio");
  const [command, setCommand] = useState(server?.command ?? "");
  const [args, setArgs] = useState((server?.args ?? []).join("\n"));
  const [url, setUrl] = useState(server?.url ?? "");
  const [pairs, setPairs] = useState("");
  const [removed, setRemoved] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const existing = kind === "stdio" ? (server?.envKeys ?? []) : (server?.headerKeys ?? []);

  const save = async () => {
    if (!server && taken.includes(name)) return setError(`a server named "${name}" exists`);
    const values: Record<string, string | null> = { ...parsePairs(pairs) };
    for (const k of removed) values[k] = null;
    setSaving(true);
    try {
      await onSave(
        kind === "stdio"
          ? { name, transport: "stdio", command, args: args.split("\n").filter((a) => a.trim()), env: values }
          : { name, transport: server && server.transport !== "stdio" ? server.transport : "auto", url, headers: values },
      );
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section data-testid="mcp-form" className="space-y-2 rounded border border-accent/50 p-3">
      <div className="grid gap-2 sm:grid-cols-2">
        <div>
          <label className="label" htmlFor="mcp-form-name">
            Name
          </label>
          <input id="mcp-form-name" data-testid="mcp-form-name" className="input" value={name} disabled={!!server} onChange={(e) => setName(e.target.value)} />
        </div>
        <div>
          <label className="label" htmlFor="mcp-form-kind">
            Transport
          </label>
          <select id="mcp-form-kind" data-testid="mcp-form-kind" className="input" value={kind} onChange={(e) => setKind(e.target.value as "stdio" | "http")}>
            <option value="stdio">Command (stdio)</option>
            <option value="http">URL (Streamable HTTP)</option>
          </select>
        </div>
      </div>
      {kind === "stdio" ? (
        <>
          <label className="label" htmlFor="mcp-form-command">
            Command {args.trim() ? "(program)" : "(a command line, run by the shell)"}
          </label>
          <input
            id="mcp-form-command"
            data-testid="mcp-form-command"
            className="input font-mono"
            value={command}
            onChange={(e) => setCommand(e.target.value)}
          />
          <label className="label" htmlFor="mcp-form-args">
            Arguments (one per line; optional)
          </label>
          <textarea
            id="mcp-form-args"
            data-testid="mcp-form-args"
            className="input font-mono"
            rows={2}
            value={args}
            onChange={(e) => setArgs(e.target.value)}
          />
        </>
      ) : (
        <>
          <label className="label" htmlFor="mcp-form-url">
            URL
          </label>
          <input id="mcp-form-url" data-testid="mcp-form-url" className="input font-mono" value={url} onChange={(e) => setUrl(e.target.value)} />
        </>
      )}
      {existing.length > 0 && (
        <p className="text-[12px] text-muted">
          {kind === "stdio" ? "Environment" : "Headers"} kept (values hidden):{" "}
          {existing.map((k) => (
            <label key={k} className="mr-2 inline-flex items-center gap-1">
              <input
                type="checkbox"
                checked={!removed.includes(k)}
                onChange={(e) => setRemoved((r) => (e.target.checked ? r.filter((x) => x !== k) : [...r, k]))}
              />
              <span className="font-mono">{k}</span>
            </label>
          ))}
        </p>
      )}
      <label className="label" htmlFor="mcp-form-pairs">
        {kind === "stdio" ? "Environment" : "Headers"} to set (KEY=value per line; stored in the file, never shown again)
      </label>
      <textarea
        id="mcp-form-pairs"
        data-testid="mcp-form-pairs"
        className="input font-mono"
        rows={2}
        autoComplete="off"
        value={pairs}
        onChange={(e) => setPairs(e.target.value)}
      />
      {error && (
        <p role="alert" className="text-err" data-testid="mcp-form-error">
          {error}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" data-testid="mcp-form-save" disabled={saving} onClick={() => void save()}>
          {saving ? "Saving…" : "Save"}
        </button>
      </div>
    </section>
  );
}
