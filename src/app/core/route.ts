import { signal } from '@preact/signals';
import { isId } from './envelope.ts';

/** The screens an address can name: the list (`/`) or one conversation (`/c/<conversationId>`). */
export type Route = { name: 'list' } | { name: 'conversation'; conversationId: string };

/** Parse a pathname; anything unknown (or a malformed id) falls back to the list. */
export function parseRoute(pathname: string): Route {
  const match = /^\/c\/([^/]+)\/?$/.exec(pathname);
  const candidate = match?.[1]?.toLowerCase();
  if (candidate && isId(candidate)) return { name: 'conversation', conversationId: candidate };
  return { name: 'list' };
}

/** The pathname of a route (inverse of `parseRoute`). */
export function routePath(route: Route): string {
  return route.name === 'conversation' ? `/c/${route.conversationId}` : '/';
}

export const route = signal<Route>({ name: 'list' });

/** Go to `path` (a new history entry, so the back button returns). */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const next = parseRoute(path);
  const target = routePath(next);
  if (location.pathname !== target) {
    if (options.replace) history.replaceState(null, '', target);
    else history.pushState(null, '', target);
  }
  route.value = next;
}

/** Follow the address bar: read it now and on every back/forward. */
export function startRouter(): void {
  const sync = (): void => {
    route.value = parseRoute(location.pathname);
  };
  sync();
  window.addEventListener('popstate', sync);
}
