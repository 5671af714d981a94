import { signal } from '@preact/signals';

/** A message to bring into view when its conversation opens (a search hit), then cleared. */
export const focusMessageId = signal<string | null>(null);
