import { type ProvidersConfig, splitModelEntries } from "./config.js";
import { contextWindowOf, parseModelString } from "./models.js";

/** Each model's context window: the model table's, or what providers.jsonc declares for it (null when unknown). */
export function contextWindows(config: () => ProvidersConfig): (model: string) => number | null {
  let loaded: ProvidersConfig | undefined;
  return (model) => {
    try {
      const ref = parseModelString(model);
      loaded ??= config();
      return contextWindowOf(ref, splitModelEntries(loaded[ref.provider]?.models).limits);
    } catch {
      return null;
    }
  };
}
