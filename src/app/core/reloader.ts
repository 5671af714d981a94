/**
 * Coalesce reloads: a burst of change events triggers one load now and at most one more after it
 * (the last event may have come in while loading), never a load per event.
 */
export function createReloader(load: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  const run = async (): Promise<void> => {
    do {
      again = false;
      try {
        await load();
      } catch {
        // The next event or the next trigger tries again; the store keeps its last good value.
      }
    } while (again);
    running = null;
  };
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = run();
    return running;
  };
}
