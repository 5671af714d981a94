import { describe, expect, it } from 'vitest';
import { aggregatePresence } from '../../../../src/server/realtime/presence.ts';

describe('aggregatePresence()', () => {
  it('is online when any device is, away when only idle ones are, offline with last seen otherwise', () => {
    const now = 1_000_000;
    expect(aggregatePresence('u', { a: `away:${now + 10}`, b: `online:${now + 10}` }, null, now).state).toBe('online');
    expect(aggregatePresence('u', { a: `away:${now + 10}` }, null, now).state).toBe('away');
    // An entry past its expiry (its gateway died) no longer counts.
    expect(aggregatePresence('u', { a: `online:${now - 1}` }, 42, now)).toEqual({ userId: 'u', state: 'offline', lastSeen: 42 });
  });
});
