import { call } from "../api/client";
import { errorMessage } from "./errors";
import { loadModelChoices } from "./models";
import { createStore } from "./store";
import type { ProvidersView, ProviderUpdate } from "./types";

export interface ProvidersState {
  view: ProvidersView | null;
  loading: boolean;
  /** Failure to load (not a providers.jsonc problem: that is `view.error`). */
  error: string | null;
}

export const providersStore = createStore<ProvidersState>({ view: null, loading: false, error: null });

export async function loadProviders(): Promise<void> {
  providersStore.set((s) => ({ ...s, loading: true, error: null }));
  try {
    const view = await call((api) => api.providers.get());
    providersStore.set({ view, loading: false, error: null });
  } catch (err) {
    providersStore.set((s) => ({ ...s, loading: false, error: errorMessage(err) }));
  }
}

/** Applies one provider's change; the returned view replaces the shown one. Throws on refusal. */
export async function updateProvider(update: ProviderUpdate): Promise<ProvidersView> {
  const view = await call((api) => api.providers.update(update));
  providersStore.set({ view, loading: false, error: null });
  // A key added or removed can change the default model and what the picker marks as ready.
  void loadModelChoices();
  return view;
}

export async function removeProvider(id: string): Promise<ProvidersView> {
  const view = await call((api) => api.providers.remove({ id }));
  providersStore.set({ view, loading: false, error: null });
  void loadModelChoices();
  return view;
}
