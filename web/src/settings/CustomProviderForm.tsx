import { useState } from "react";
import { errorMessage } from "../state/errors";
import { updateProvider } from "../state/providers";
import { isUrl, parseModels } from "./draft";

const ID = /^[a-z0-9][a-z0-9_-]*$/;

/** Adds an OpenAI-compatible provider (vLLM, LM Studio, a gateway…) to providers.jsonc. */
export function CustomProviderForm({ taken, onDone }: { taken: string[]; onDone: () => void }) {
  const [f, setF] = useState({ id: "", displayName: "", baseUrl: "", apiKey: "", models: "" });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = (k: keyof typeof f) => ({
    id: `cp-${k}`,
    "data-testid": `custom-provider-${k}`,
    value: f[k],
    onChange: (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value }),
  });

  const submit = async () => {
    const id = f.id.trim();
    if (!ID.test(id)) return setError("Id: lowercase letters, digits, '-' or '_' (e.g. local-vllm).");
    if (taken.includes(id)) return setError(`A provider named "${id}" already exists.`);
    if (!isUrl(f.baseUrl.trim())) return setError("Base URL must be an http(s) URL, e.g. http://localhost:8000/v1");
    setBusy(true);
    setError(null);
    try {
      const models = parseModels(f.models);
      await updateProvider({
        id,
        providerType: "openai-compatible",
        displayName: f.displayName.trim() || undefined,
        baseUrl: f.baseUrl.trim(),
        apiKey: f.apiKey.trim() || undefined,
        models: models.length ? models : undefined,
      });
      onDone();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <div
      data-testid="custom-provider-form"
      className="rounded border border-accent/40 bg-bg/40 p-3"
      onKeyDown={(e) => {
        if (e.key === "Enter" && (e.target as HTMLElement).tagName === "INPUT") {
          e.preventDefault();
          void submit();
        }
      }}
    >
      <h3 className="mb-2 font-semibold">Add an OpenAI-compatible provider</h3>
      <div className="grid gap-3 sm:grid-cols-2">
        <div>
          <label className="label" htmlFor="cp-id">
            Id (used in model names: id:model)
          </label>
          <input className="input font-mono" placeholder="local-vllm" autoComplete="off" spellCheck={false} autoFocus {...field("id")} />
        </div>
        <div>
          <label className="label" htmlFor="cp-displayName">
            Display name
          </label>
          <input className="input" placeholder="Local vLLM" {...field("displayName")} />
        </div>
        <div>
          <label className="label" htmlFor="cp-baseUrl">
            Base URL
          </label>
          <input className="input font-mono" placeholder="http://localhost:8000/v1" spellCheck={false} {...field("baseUrl")} />
        </div>
        <div>
          <label className="label" htmlFor="cp-apiKey">
            API key (optional)
          </label>
          <input className="input font-mono" type="password" autoComplete="off" {...field("apiKey")} />
        </div>
        <div className="sm:col-span-2">
          <label className="label" htmlFor="cp-models">
            Models (comma separated)
          </label>
          <input className="input font-mono" placeholder="qwen3-coder, llama-3.3-70b" spellCheck={false} {...field("models")} />
        </div>
      </div>
      {error && (
        <p role="alert" data-testid="custom-provider-error" className="mt-2 text-err">
          {error}
        </p>
      )}
      <div className="mt-3 flex justify-end gap-2">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" data-testid="custom-provider-submit" disabled={busy} onClick={submit}>
          {busy ? "Adding…" : "Add provider"}
        </button>
      </div>
    </div>
  );
}
