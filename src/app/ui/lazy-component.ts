import { h, type ComponentType, type FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A component whose code is fetched on first render (its own chunk, outside the 30 KB app shell);
 * renders nothing until loaded. preact/compat's `lazy` would pull compat into the shell.
 */
export function lazyComponent<P extends object>(load: () => Promise<ComponentType<P>>): FunctionComponent<P> {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<void> | null = null;
  return function Lazy(props: P) {
    const [, setReady] = useState(false);
    useEffect(() => {
      if (loaded) return;
      let mounted = true;
      loading ??= load().then((component) => {
        loaded = component;
      });
      loading.then(
        () => mounted && setReady(true),
        () => {
          loading = null; // try again on the next render
        },
      );
      return () => {
        mounted = false;
      };
    }, []);
    return loaded ? h(loaded, props) : null;
  };
}
