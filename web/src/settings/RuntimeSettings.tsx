import { useEffect, useState } from "react";
import { call } from "../api/client";
import { errorMessage } from "../state/errors";

/**
 * Settings → Runtimes: the default image of Docker workspaces (saved in config.json as
 * `defaultDockerImage`). A project's own .mux/docker.json `image`, or an image typed in the
 * new-workspace dialog (or `--runtime "docker IMAGE"`), wins over it.
 */
export function RuntimeSettings() {
  const [saved, setSaved] = useState<string | null | undefined>(undefined);
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  useEffect(() => {
    call((api) => api.runtimes.defaults())
      .then((d) => {
        setSaved(d.dockerImage);
        setDraft(d.dockerImage ?? "");
      })
      .catch((e) => setError(errorMessage(e)));
  }, []);

  const save = async () => {
    setError(null);
    setStatus(null);
    try {
      const d = await call((api) => api.runtimes.setDefaults({ dockerImage: draft.trim() || null }));
      setSaved(d.dockerImage);
      setDraft(d.dockerImage ?? "");
      setStatus(d.dockerImage ? "Saved" : "Cleared");
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const changed = saved !== undefined && draft.trim() !== (saved ?? "");
  return (
    <form
      className="space-y-2"
      data-testid="runtime-settings"
      onSubmit={(e) => {
        e.preventDefault();
        if (changed) void save();
      }}
    >
      <label className="label" htmlFor="default-docker-image">
        Default Docker image
      </label>
      <div className="flex gap-2">
        <input
          id="default-docker-image"
          className="input min-w-0 flex-1 font-mono"
          data-testid="default-docker-image"
          value={draft}
          placeholder="e.g. node:20 (none: each project's .mux/docker.json names one)"
          autoComplete="off"
          spellCheck={false}
          disabled={saved === undefined}
          onChange={(e) => {
            setDraft(e.target.value);
            setStatus(null);
          }}
        />
        <button type="submit" className="btn btn-primary" data-testid="default-docker-image-save" disabled={!changed}>
          Save
        </button>
      </div>
      <p className="text-[12px] text-muted">
        Used for a Docker workspace when neither the new-workspace dialog (or <span className="font-mono">--runtime "docker IMAGE"</span>) nor the project's{" "}
        <span className="font-mono">.mux/docker.json</span> names an image. Network, limits, env and mounts stay per project, in that file.
      </p>
      <span role="status" className="text-[12px] text-ok">
        {status && <span data-testid="runtime-settings-saved">{status}</span>}
      </span>
      {error && (
        <p role="alert" className="text-[12px] text-err" data-testid="runtime-settings-error">
          {error}
        </p>
      )}
    </form>
  );
}
