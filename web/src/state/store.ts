import { useSyncExternalStore } from "react";

/** A minimal observable value for app-wide state; read it in components with `useStore`. */
export interface Store<T> {
  get(): T;
  set(next: T | ((prev: T) => T)): void;
  subscribe(listener: () => void): () => void;
}

export function createStore<T>(initial: T): Store<T> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(next) {
      const value = typeof next === "function" ? (next as (prev: T) => T)(state) : next;
      if (Object.is(value, state)) return;
      state = value;
      for (const l of [...listeners]) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Subscribes a component to a slice; `select` must return a stable value (or a primitive). */
export function useStore<T, S>(store: Store<T>, select: (state: T) => S): S {
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}

/** Caches a derived value per state object, so selectors can return arrays without re-rendering. */
export function memoByState<T extends object, R>(fn: (state: T) => R): (state: T) => R {
  const cache = new WeakMap<T, R>();
  return (state) => {
    if (!cache.has(state)) cache.set(state, fn(state));
    return cache.get(state)!;
  };
}
