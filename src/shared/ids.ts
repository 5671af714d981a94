import { uuidv7 } from 'uuidv7';

/**
 * A time-ordered id (UUIDv7): sorts by creation time, unique across devices without coordination.
 * Used for message ids (the idempotency key of `message.send`), conversation ids, mutation ids.
 */
export function newId(): string {
  return uuidv7();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isId(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
