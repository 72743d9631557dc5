import { useState } from "react";
import type { ProviderView } from "../state/types";
import { fileBaseUrl, sourceText, type Draft, type WireFormat } from "./draft";

interface Props {
  provider: ProviderView;
  draft: Draft;
  onDraft: (d: Draft) => void;
  error?: string;
  onRemove?: () => Promise<void>;
}

export function ProviderCard({ provider: p, draft, onDraft, error, onRemove }: Props) {
  const t = (suffix: string) => `provider-${p.id}-${suffix}`;
  const set = (patch: Partial<Draft>) => onDraft({ ...draft, ...patch });
  const keyCleared = draft.apiKey === null;
  const urlCleared = draft.baseUrl === null;
  const savedUrl = fileBaseUrl(p);
  const urlText = draft.baseUrl === undefined ? (savedUrl ?? "") : (draft.baseUrl ?? "");
  const showWire = p.wireFormat !== undefined || p.id === "openai";

  return (
    <section data-testid={`provider-${p.id}`} aria-labelledby={t("title")} className="rounded border border-line bg-bg/40 p-3">
      <div className="mb-2 flex flex-wrap items-center gap-2">
        <h3 id={t("title")} className="font-semibold">
          {p.displayName}
        </h3>
        <span className="font-mono text-[11px] text-muted">{p.id}</span>
        {p.custom && <span className="badge">custom · {p.type}</span>}
        <span
          data-testid={t("status")}
          className={`badge ${p.ready ? "border-ok/50 text-ok" : "border-warn/50 text-warn"}`}
          title={p.reachable && !p.reachable.ok ? p.reachable.error : undefined}
        >
          {statusText(p)}
        </span>
        <span className="flex-1" />
        {onRemove && <RemoveButton testId={t("remove")} onRemove={onRemove} />}
      </div>

      <div className="grid gap-3 sm:grid-cols-2">
        {(p.keyEnv.length > 0 || p.custom || p.apiKey.masked) && (
          <div>
            <label className="label" htmlFor={t("api-key")}>
              API key
            </label>
            <div className="flex gap-1.5">
              <input
                id={t("api-key")}
                data-testid={t("api-key")}
                type="password"
                className="input font-mono"
                autoComplete="off"
                placeholder={keyCleared ? "cleared on save" : p.apiKey.masked ? `replace ${p.apiKey.masked}` : "paste a key"}
                value={typeof draft.apiKey === "string" ? draft.apiKey : ""}
                onChange={(e) => set({ apiKey: e.target.value })}
              />
              {p.apiKey.source.kind === "file" && (
                <ClearButton testId={t("clear-api-key")} cleared={keyCleared} field="API key" onToggle={() => set({ apiKey: keyCleared ? undefined : null })} />
              )}
            </div>
            <p data-testid={t("api-key-source")} className="mt-1 text-[11px] text-muted">
              {p.apiKey.masked ? <span className="font-mono">{p.apiKey.masked}</span> : "No key"}
              {p.apiKey.masked && <> from {sourceText(p.apiKey.source)}</>}
              {p.keyEnv.length > 0 && (
                <>
                  {" "}
                  · env: <span className="font-mono">{p.keyEnv.join(", ")}</span>
                </>
              )}
            </p>
          </div>
        )}

        <div>
          <label className="label" htmlFor={t("base-url")}>
            Base URL
          </label>
          <div className="flex gap-1.5">
            <input
              id={t("base-url")}
              data-testid={t("base-url")}
              className="input font-mono"
              autoComplete="off"
              spellCheck={false}
              placeholder={urlCleared ? "cleared on save" : p.baseUrl.value}
              value={urlText}
              onChange={(e) => set({ baseUrl: e.target.value })}
            />
            {savedUrl !== null && (
              <ClearButton
                testId={t("clear-base-url")}
                cleared={urlCleared}
                field="base URL"
                onToggle={() => set({ baseUrl: urlCleared ? undefined : null })}
              />
            )}
          </div>
          <p data-testid={t("base-url-source")} className="mt-1 text-[11px] break-words text-muted">
            Effective: <span className="font-mono break-all">{p.baseUrl.value}</span> from {sourceText(p.baseUrl.source)}
            {p.baseUrlEnv.length > 0 && (
              <>
                {" "}
                · env: <span className="font-mono">{p.baseUrlEnv.join(", ")}</span>
              </>
            )}
          </p>
        </div>

        {showWire && (
          <div>
            <label className="label" htmlFor={t("wire-format")}>
              Wire format
            </label>
            <select
              id={t("wire-format")}
              data-testid={t("wire-format")}
              className="input"
              value={draft.wireFormat ?? p.wireFormat ?? "responses"}
              onChange={(e) => set({ wireFormat: e.target.value as WireFormat })}
            >
              <option value="responses">Responses API (/responses)</option>
              <option value="chatCompletions">Chat Completions (/chat/completions)</option>
            </select>
          </div>
        )}

        {p.custom && (
          <>
            <div>
              <label className="label" htmlFor={t("display-name")}>
                Display name
              </label>
              <input
                id={t("display-name")}
                data-testid={t("display-name")}
                className="input"
                value={draft.displayName ?? p.displayName}
                onChange={(e) => set({ displayName: e.target.value })}
              />
            </div>
            <div>
              <label className="label" htmlFor={t("models")}>
                Models (comma separated)
              </label>
              <input
                id={t("models")}
                data-testid={t("models")}
                className="input font-mono"
                spellCheck={false}
                value={draft.models ?? p.models.join(", ")}
                onChange={(e) => set({ models: e.target.value })}
              />
            </div>
          </>
        )}
      </div>
      {error && (
        <p role="alert" data-testid={t("error")} className="mt-2 text-err">
          {error}
        </p>
      )}
    </section>
  );
}

/** "ready", "needs a key", or, for a server that did not answer, where it was looked for. */
function statusText(p: ProviderView): string {
  if (p.reachable && !p.reachable.ok) return `not reachable at ${p.reachable.url}`;
  return p.ready ? "ready" : "needs a key";
}

function ClearButton({ testId, cleared, field, onToggle }: { testId: string; cleared: boolean; field: string; onToggle: () => void }) {
  return (
    <button
      type="button"
      className="btn shrink-0"
      data-testid={testId}
      aria-pressed={cleared}
      onClick={onToggle}
      title={cleared ? "Keep the saved value" : `Remove the ${field} from the settings file (falls back to the environment)`}
    >
      {cleared ? "Undo" : "Clear"}
    </button>
  );
}

function RemoveButton({ testId, onRemove }: { testId: string; onRemove: () => Promise<void> }) {
  const [armed, setArmed] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className={`btn ${armed ? "btn-danger" : ""}`}
      data-testid={testId}
      disabled={busy}
      onBlur={() => setArmed(false)}
      onClick={async () => {
        if (!armed) return setArmed(true);
        setBusy(true);
        await onRemove().finally(() => setBusy(false));
      }}
    >
      {armed ? "Confirm remove" : "Remove"}
    </button>
  );
}
