import { signal } from '@preact/signals';

/**
 * What a notification action asked for on arrival at a conversation: "Répondre" focuses the
 * composer, "Accepter" answers the call ringing there. The service worker's click handler encodes it
 * as `?reply=1` / `?answer=1` on `/c/<conversationId>`.
 */
export interface Intent {
  conversationId: string;
  action: 'reply' | 'answer';
  at: number;
}

/** An intent older than this is dropped: a later, unrelated call must never be answered by it. */
export const INTENT_LIFETIME_MS = 60_000;

export const pendingIntent = signal<Intent | null>(null);

const CONVERSATION_PATH = /^\/c\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Parses the intent of a path such as `/c/<id>?reply=1`; null when it carries none. */
export function parseIntent(path: string, now: number = Date.now()): Intent | null {
  const url = new URL(path, 'https://relais.invalid');
  const conversationId = CONVERSATION_PATH.exec(url.pathname)?.[1];
  if (!conversationId) return null;
  if (url.searchParams.get('reply') === '1') return { conversationId, action: 'reply', at: now };
  if (url.searchParams.get('answer') === '1') return { conversationId, action: 'answer', at: now };
  return null;
}

/** Records the intent of `path`, if any (a notification click routed this tab, or opened it). */
export function noteIntent(path: string): void {
  const intent = parseIntent(path);
  if (intent) pendingIntent.value = intent;
}

/** Takes (and clears) the pending intent for this conversation and action, if still fresh. */
export function takeIntent(conversationId: string, action: Intent['action'], now: number = Date.now()): boolean {
  const intent = pendingIntent.peek();
  if (!intent || intent.conversationId !== conversationId || intent.action !== action) return false;
  pendingIntent.value = null;
  return now - intent.at <= INTENT_LIFETIME_MS;
}
