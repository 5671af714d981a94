/**
 * A module fetched on first use, in its own chunk outside the 30 KB app shell: one import in flight
 * at a time, kept once loaded. A failed import (offline before the SW cached the chunk) is forgotten,
 * so the next use tries again instead of failing for the rest of the page's life.
 */
export function lazyModule<M>(load: () => Promise<M>): () => Promise<M> {
  let loading: Promise<M> | null = null;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = null;
      throw error;
    }));
}
