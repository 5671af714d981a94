import { describe, expect, it } from 'vitest';
import { Id } from '../../../src/shared/model.ts';
import { isId, newId } from '../../../src/shared/ids.ts';

describe('newId()', () => {
  it('makes RFC 9562 version-7 ids that the shared schema accepts', () => {
    const id = newId();
    expect(isId(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect('89ab').toContain(id[19]);
    expect(Id.safeParse(id).success).toBe(true);
  });

  it('encodes the time in the first 48 bits', () => {
    const time = Date.UTC(2030, 0, 1);
    const id = newId(time);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(time);
  });

  it('sorts in creation order, even for thousands of ids in one millisecond', () => {
    const time = Date.UTC(2031, 5, 1);
    const ids = Array.from({ length: 5000 }, () => newId(time));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps the order when the clock goes backwards', () => {
    const later = newId(Date.UTC(2032, 0, 1, 12));
    const earlierClock = newId(Date.UTC(2032, 0, 1, 11));
    expect(earlierClock > later).toBe(true);
  });
});
