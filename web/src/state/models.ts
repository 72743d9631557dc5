import type { z } from "zod";
import type { ModelChoicesSchema, ModelOptionSchema } from "../../../src/api/schemas";
import { call } from "../api/client";
import { createStore } from "./store";

export type ModelOption = z.infer<typeof ModelOptionSchema>;
export type ModelChoices = z.infer<typeof ModelChoicesSchema>;

/**
 * `providers.models`: what the model picker offers, the model that answers when a workspace has
 * none of its own, and whether any provider is set up. Null until first loaded.
 */
export const modelChoicesStore = createStore<ModelChoices | null>(null);

let inflight: Promise<void> | null = null;

/** Loads (again): on first use, when a picker opens, and after provider settings change. */
export function loadModelChoices(): Promise<void> {
  inflight ??= call((api) => api.providers.models())
    .then((choices) => modelChoicesStore.set(choices))
    .catch(() => {})
    .finally(() => {
      inflight = null;
    });
  return inflight;
}

/** Loads once, for views that only need some answer. */
export function ensureModelChoices(): void {
  if (!modelChoicesStore.get() && !inflight) void loadModelChoices();
}
