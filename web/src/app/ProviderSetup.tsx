import { useEffect } from "react";
import { ensureModelChoices, modelChoicesStore } from "../state/models";
import { useStore } from "../state/store";
import { openOverlay } from "../state/ui";

/** The Coder AI Bridge route for OpenAI models, as the README and Settings show it. */
const BRIDGE_EXAMPLE = "https://coder.example.com/api/v2/aibridge/openai/v1";

/** A long URL that may wrap after its slashes (not in the middle of a word). */
function breakableUrl(url: string) {
  return url.split("/").map((part, i) => (
    <span key={i}>
      {i > 0 && "/"}
      {i > 0 && <wbr />}
      {part}
    </span>
  ));
}

/** True once the server said that no provider is set up (false while unknown). */
export function useNoProvider(): boolean {
  useEffect(ensureModelChoices, []);
  return useStore(modelChoicesStore, (s) => s?.configured === false);
}

/**
 * Shown while no provider is set up (a fresh install): agents cannot answer until one is, so say
 * where to do it, with the gateway case spelled out.
 */
export function ProviderSetup() {
  return (
    <section
      data-testid="provider-setup"
      aria-labelledby="provider-setup-title"
      className="rounded-lg border border-warn/50 bg-warn/10 p-3 text-left text-[12px]"
    >
      <h2 id="provider-setup-title" className="mb-1 text-[13px] font-semibold text-fg">
        Set up a model provider first
      </h2>
      <p className="text-muted">Agents need an API key for Anthropic, OpenAI or another provider, or a gateway that holds one.</p>
      <p className="mt-1.5 text-muted">
        Through Coder AI Bridge: set OpenAI's base URL to <code className="font-mono text-fg">{breakableUrl(BRIDGE_EXAMPLE)}</code> and use your Coder token as
        the key.
      </p>
      <button type="button" className="btn btn-primary mt-2.5" data-testid="provider-setup-open" onClick={() => openOverlay({ kind: "settings" })}>
        Open Settings → Providers
      </button>
    </section>
  );
}
