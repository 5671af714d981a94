/**
 * Handlers registered by name — an exact name, or a family: a prefix ending with the separator
 * (`messages:` for SW events, `call.` for WebSocket frames). The SW client and the socket dispatch
 * with it, so neither knows the features listening.
 */
export interface HandlerRegistry<H> {
  /** Adds `handler` for `nameOrPrefix`; returns the function that removes it. */
  add(nameOrPrefix: string, handler: H): () => void;
  /** Calls `run` with each handler registered for `name` (exactly, or by its family). */
  forEach(name: string, run: (handler: H) => void): void;
}

/** True when a handler keyed `key` takes `name`: the same name, or a family prefix of it ending with `separator`. */
export function keyMatches(key: string, name: string, separator: string): boolean {
  return key === name || (key.endsWith(separator) && name.startsWith(key));
}

/** An empty registry whose family prefixes end with `separator`. */
export function handlerRegistry<H>(separator: string): HandlerRegistry<H> {
  const handlers = new Map<string, Set<H>>();
  return {
    add(nameOrPrefix, handler) {
      let set = handlers.get(nameOrPrefix);
      if (!set) {
        set = new Set();
        handlers.set(nameOrPrefix, set);
      }
      set.add(handler);
      return () => {
        set.delete(handler);
        if (set.size === 0) handlers.delete(nameOrPrefix);
      };
    },
    forEach(name, run) {
      for (const [key, set] of handlers) if (keyMatches(key, name, separator)) for (const handler of set) run(handler);
    },
  };
}
