import { h, type ComponentType, type FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { lazyModule } from '../core/lazy.ts';

/**
 * A component whose code is fetched on first render (its own chunk, outside the 30 KB app shell);
 * renders nothing until loaded. preact/compat's `lazy` would pull compat into the shell. `after`:
 * what the fetch waits for first (`firstScreen`, core/first-screen.ts), if anything.
 */
export function lazyComponent<P extends object>(
  load: () => Promise<ComponentType<P>>,
  options: { after?: () => Promise<unknown> | undefined } = {},
): FunctionComponent<P> {
  const fetchComponent = lazyModule(async () => {
    // Fetched only once `after` (asked at the first render) has resolved: work that can wait for the first screen.
    await options.after?.();
    return load();
  });
  let loaded: ComponentType<P> | null = null;
  return function Lazy(props: P) {
    const [, setReady] = useState(false);
    useEffect(() => {
      if (loaded) return;
      let mounted = true;
      fetchComponent().then(
        (component) => {
          loaded = component;
          if (mounted) setReady(true);
        },
        () => undefined, // the next mount tries again
      );
      return () => {
        mounted = false;
      };
    }, []);
    return loaded ? h(loaded, props) : null;
  };
}
