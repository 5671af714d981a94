import { describe, expect, it } from 'vitest';
import { parseRoute, routePath } from '../../../../src/app/core/route.ts';

const ID = '01936b2e-7c4a-7def-8abc-0123456789ab';

describe('parseRoute()', () => {
  it('reads the list at the root', () => {
    expect(parseRoute('/')).toEqual({ name: 'list' });
  });

  it('reads a conversation address, with or without a trailing slash', () => {
    expect(parseRoute(`/c/${ID}`)).toEqual({ name: 'conversation', conversationId: ID });
    expect(parseRoute(`/c/${ID}/`)).toEqual({ name: 'conversation', conversationId: ID });
  });

  it('normalises an upper-case id to the lower-case form the store uses', () => {
    expect(parseRoute(`/c/${ID.toUpperCase()}`)).toEqual({ name: 'conversation', conversationId: ID });
  });

  it('falls back to the list for unknown paths and malformed ids', () => {
    expect(parseRoute('/c/not-an-id')).toEqual({ name: 'list' });
    expect(parseRoute('/c/')).toEqual({ name: 'list' });
    expect(parseRoute(`/c/${ID}/extra`)).toEqual({ name: 'list' });
    expect(parseRoute('/settings')).toEqual({ name: 'list' });
  });
});

describe('routePath()', () => {
  it('is the inverse of parseRoute()', () => {
    expect(routePath({ name: 'list' })).toBe('/');
    expect(parseRoute(routePath({ name: 'conversation', conversationId: ID }))).toEqual({
      name: 'conversation',
      conversationId: ID,
    });
  });
});
