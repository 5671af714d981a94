import { describe, expect, it } from 'vitest';
import { formatCursor, parseCursor } from '../../../../src/server/store/pull.ts';
import { conversationChannel, userChannel } from '../../../../src/server/realtime/live-routes.ts';
import { KEYS } from '../../../../src/server/store/keys.ts';

describe('pull cursor', () => {
  it('round-trips epoch, feed id and partial version', () => {
    const cursor = { epoch: 'AbC-_9', feedId: '1764139424123-3', partialVer: 17 };
    expect(parseCursor(formatCursor(cursor))).toEqual(cursor);
  });

  it.each([
    '',
    'abc',
    'e.1-0',
    'e.1-0.x',
    'e.1.0',
    'e f.1-0.0',
    'e.1-0.0.0',
    `${'a'.repeat(65)}.1-0.0`,
    // Numbers Redis or JavaScript cannot hold exactly: a stream id part past 2^64 once made a 500.
    'e.99999999999999999999-0.0',
    'e.1-99999999999999999999.0',
    'e.9007199254740993-0.0',
    'e.1-0.9007199254740993',
    'e.1-0.12345678901234567',
    'e.-1-0.0',
    'e.1-0.-1',
  ])('rejects the malformed cursor %j', (text) => {
    expect(parseCursor(text)).toBeNull();
  });

  it('reads a feed id with leading zeros as the number it names', () => {
    expect(parseCursor('e.0001-02.003')).toEqual({ epoch: 'e', feedId: '1-2', partialVer: 3 });
  });
});

/** The hash tag Redis Cluster hashes a key or shard channel by (the first `{…}` with something inside). */
const hashTag = (name: string): string | undefined => /\{([^}]+)\}/.exec(name)?.[1];

describe('live channels', () => {
  it('puts a conversation\'s channel in the slot of its keys, so its script publishes there itself', () => {
    const id = '0193a1b2-0000-7000-8000-000000000000';
    expect(conversationChannel(id)).toBe(`relais:live:{c:${id}}`);
    expect(hashTag(conversationChannel(id))).toBe(hashTag(KEYS.convLog(id)));
  });

  it('puts a user\'s channel in the slot of the user\'s keys', () => {
    const id = '0193a1b2-0000-7000-8000-000000000001';
    expect(hashTag(userChannel(id))).toBe(hashTag(KEYS.userConvs(id)));
    expect(hashTag(userChannel(id))).not.toBe(hashTag(conversationChannel(id)));
  });
});
