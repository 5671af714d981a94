import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { resultOf, swHarness } from '../kit/sw.ts';

/** Requests the server's directory answers. */

describe('handleRequest() directory', () => {
  it('searches users online', async () => {
    const { call, login, paul } = swHarness();
    await login('anne');
    const reply = resultOf<{ users: { id: string }[] }>(await call('users.search', { q: 'paul' }));
    expect(reply.users.map((u) => u.id)).toEqual([paul.id]);
  });
});
