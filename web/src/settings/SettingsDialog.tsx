import { useEffect, useState } from "react";
import { call } from "../api/client";
import { Modal } from "../dialogs/Modal";
import { errorMessage } from "../state/errors";
import { loadProviders, providersStore, removeProvider, updateProvider } from "../state/providers";
import { useStore } from "../state/store";
import { closeOverlay, uiStore } from "../state/ui";
import { CustomProviderForm } from "./CustomProviderForm";
import { toUpdate, validateDraft, type Draft } from "./draft";
import { ProviderCard } from "./ProviderCard";
import { SignOutEverywhere } from "./SignOutEverywhere";
import { EditorSettings } from "../editor/EditorSettings";
import { McpSettings } from "./McpSettings";
import { RuntimeSettings } from "./RuntimeSettings";

type Tab = "providers" | "mcp" | "runtimes";
const TABS: { id: Tab; label: string }[] = [
  { id: "providers", label: "Providers" },
  { id: "mcp", label: "MCP" },
  { id: "runtimes", label: "Runtimes" },
];

/** Settings: providers (keys, base URLs and wire formats, with where each value comes from), MCP servers and runtime defaults. */
export function SettingsDialog() {
  const [tab, setTab] = useState<Tab>("providers");
  const selectedId = useStore(uiStore, (s) => s.selectedId);
  const { view, loading, error: loadError } = useStore(providersStore, (s) => s);
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [adding, setAdding] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  useEffect(() => void loadProviders(), []);
  const [coderUrl, setCoderUrl] = useState<string | null>(null);
  useEffect(() => {
    call((api) => api.server.info())
      .then((info) => setCoderUrl(info.coderUrl))
      .catch(() => {});
  }, []);
  /** Fills OpenAI's and Anthropic's base URLs with the deployment's AI Bridge (saved with Save; keys unchanged). */
  const routeThroughBridge = (url: string) => {
    setDrafts((x) => ({
      ...x,
      openai: { ...x.openai, baseUrl: `${url}/api/v2/aibridge/openai/v1` },
      anthropic: { ...x.anthropic, baseUrl: `${url}/api/v2/aibridge/anthropic` },
    }));
    setSaved(false);
  };

  const providers = view?.providers ?? [];
  const changes = providers.flatMap((p) => {
    const u = drafts[p.id] && toUpdate(p, drafts[p.id]);
    return u ? [{ p, u }] : [];
  });

  const save = async () => {
    setSaving(true);
    const errs: Record<string, string> = {};
    const left = { ...drafts };
    for (const { p, u } of changes) {
      const invalid = validateDraft(drafts[p.id]);
      if (invalid) {
        errs[p.id] = invalid;
        continue;
      }
      try {
        await updateProvider(u);
        delete left[p.id];
      } catch (e) {
        errs[p.id] = errorMessage(e);
      }
    }
    setDrafts(left);
    setErrors(errs);
    setSaving(false);
    setSaved(Object.keys(errs).length === 0);
  };

  const remove = async (id: string) => {
    try {
      await removeProvider(id);
    } catch (e) {
      setErrors((x) => ({ ...x, [id]: errorMessage(e) }));
    }
  };

  return (
    <Modal title="Settings" testId="settings-dialog" onClose={closeOverlay} size="lg">
      <div className="flex shrink-0 gap-1 border-b border-line px-4 pt-2" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            data-testid={`settings-tab-${t.id}`}
            className={`-mb-px border-b-2 px-2 pb-1.5 font-medium ${tab === t.id ? "border-accent" : "border-transparent text-muted"}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {tab === "runtimes" && (
        <div className="min-h-0 flex-1 overflow-y-auto px-4 py-3" role="tabpanel" aria-label="Runtimes">
          <RuntimeSettings />
        </div>
      )}
      {tab === "mcp" && (
        <div className="min-h-0 flex-1 overflow-y-auto px-4 py-3" role="tabpanel" aria-label="MCP">
          <McpSettings workspaceId={selectedId} />
        </div>
      )}
      <div className="min-h-0 flex-1 space-y-3 overflow-y-auto px-4 py-3" role="tabpanel" aria-label="Providers" hidden={tab !== "providers"}>
        {view?.error && (
          <div role="alert" data-testid="providers-error" className="rounded border border-err/50 bg-err/10 px-3 py-2 text-err">
            <strong>providers.jsonc has a problem</strong> — fix it in the file; until then its settings are ignored.
            <pre className="mt-1 font-mono text-[12px] whitespace-pre-wrap">{view.error}</pre>
          </div>
        )}
        {loadError && (
          <div role="alert" className="text-err">
            Could not load providers: {loadError}
          </div>
        )}
        {!view && loading && <p className="text-muted">Loading providers…</p>}
        {view && (
          <p className="text-[12px] text-muted">
            Saved to{" "}
            <span className="font-mono" data-testid="providers-file">
              {view.file}
            </span>
            . A value there wins over the environment; "Clear" removes it so the environment variable applies again.
          </p>
        )}
        {providers.map((p) => (
          <ProviderCard
            key={p.id}
            provider={p}
            draft={drafts[p.id] ?? {}}
            error={errors[p.id]}
            onDraft={(d) => {
              setDrafts((x) => ({ ...x, [p.id]: d }));
              setSaved(false);
            }}
            onRemove={p.custom ? () => remove(p.id) : undefined}
          />
        ))}
        {view &&
          (adding ? (
            <CustomProviderForm taken={providers.map((p) => p.id)} onDone={() => setAdding(false)} />
          ) : (
            <button type="button" className="btn" data-testid="add-custom-provider" onClick={() => setAdding(true)}>
              + Add OpenAI-compatible provider
            </button>
          ))}
        <GatewayHint coderUrl={coderUrl} onUse={routeThroughBridge} />
      </div>
      {tab === "providers" && (
        <>
          <EditorSettings />
          <SignOutEverywhere />
        </>
      )}
      <div className="flex shrink-0 items-center justify-end gap-2 border-t border-line px-4 py-2.5">
        {/* Always in the page, so screen readers announce "Saved" when it appears. */}
        <span role="status" className="mr-auto text-ok">
          {saved && <span data-testid="providers-saved">Saved</span>}
        </span>
        <button type="button" className="btn" onClick={closeOverlay}>
          Close
        </button>
        {/* aria-disabled, not disabled: a disabled button drops focus, and Save disables itself once saved. */}
        {tab === "providers" && (
          <button
            type="button"
            className="btn btn-primary aria-disabled:cursor-default aria-disabled:opacity-50"
            data-testid="providers-save"
            aria-disabled={saving || changes.length === 0}
            onClick={() => {
              if (!saving && changes.length > 0) void save();
            }}
          >
            {saving ? "Saving…" : changes.length > 1 ? `Save ${changes.length} providers` : "Save"}
          </button>
        )}
      </div>
    </Modal>
  );
}

function GatewayHint({ coderUrl, onUse }: { coderUrl: string | null; onUse: (url: string) => void }) {
  return (
    <details className="rounded border border-line px-3 py-2 text-[12px] text-muted" data-testid="gateway-hint" open={coderUrl !== null}>
      <summary className="cursor-pointer text-fg">Routing through a gateway (Coder AI Bridge)</summary>
      <p className="mt-1.5">
        Set the provider's base URL to the gateway and use its token as the API key, e.g. OpenAI →{" "}
        <code className="font-mono">https://coder.example.com/api/v2/aibridge/openai/v1</code>, Anthropic →{" "}
        <code className="font-mono">https://coder.example.com/api/v2/aibridge/anthropic</code>, key = your Coder session token.
      </p>
      {coderUrl && (
        <p className="mt-1.5">
          Mux runs inside a Coder workspace of <span className="font-mono">{coderUrl}</span>.{" "}
          <button type="button" className="btn" data-testid="use-ai-bridge" onClick={() => onUse(coderUrl)}>
            Use AI Bridge
          </button>{" "}
          fills both base URLs; keys stay as they are (your Coder session token, or the environment's).
        </p>
      )}
    </details>
  );
}
