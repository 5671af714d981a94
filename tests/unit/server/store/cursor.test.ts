import { describe, expect, it } from 'vitest';
import { formatCursor, parseCursor } from '../../../../src/server/store/pull.ts';
import { channelOf, partitionOf } from '../../../../src/server/realtime/live-bus.ts';

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

describe('live partitions', () => {
  it('puts a conversation always on the same partition, within bounds', () => {
    const id = '0193a1b2-0000-7000-8000-000000000000';
    expect(partitionOf(id, 16)).toBe(partitionOf(id, 16));
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(partitionOf(`0193a1b2-0000-7000-8000-${String(i).padStart(12, '0')}`, 16));
    expect([...seen].every((p) => p >= 0 && p < 16)).toBe(true);
    expect(seen.size).toBeGreaterThan(8);
  });

  it('names channels with the partition as hash tag (one cluster slot per partition)', () => {
    expect(channelOf(3)).toBe('relais:live:{3}');
  });
});
