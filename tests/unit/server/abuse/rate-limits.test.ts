import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS, LIMITED_ACTIONS, loadRateLimits } from '../../../../src/server/abuse/rate-limits.ts';
import { frameAction, rateLimitedFrame } from '../../../../src/server/abuse/abuse-limits.ts';

describe('loadRateLimits()', () => {
  it('takes the defaults, where a burst of 20 messages fits', () => {
    expect(loadRateLimits({})).toEqual(DEFAULT_RATE_LIMITS);
    expect(DEFAULT_RATE_LIMITS.message.user.points).toBeGreaterThanOrEqual(20);
  });

  it('scales every allowance by RELAIS_RATE_LIMIT_SCALE, 0 turning them all off', () => {
    const scaled = loadRateLimits({ RELAIS_RATE_LIMIT_SCALE: '1000' });
    expect(scaled.typing).toEqual({ socket: { points: 10_000, seconds: 10 }, user: { points: 20_000, seconds: 10 } });
    const off = loadRateLimits({ RELAIS_RATE_LIMIT_SCALE: '0' });
    for (const action of LIMITED_ACTIONS) {
      expect(off[action].user.points).toBe(0);
      expect(off[action].socket?.points ?? 0).toBe(0);
    }
  });

  it('refuses a scale that is not a non-negative number', () => {
    expect(() => loadRateLimits({ RELAIS_RATE_LIMIT_SCALE: '-1' })).toThrow(/RELAIS_RATE_LIMIT_SCALE/);
    expect(() => loadRateLimits({ RELAIS_RATE_LIMIT_SCALE: 'many' })).toThrow(/RELAIS_RATE_LIMIT_SCALE/);
  });
});

describe('frame limits', () => {
  const id = '0190f5c3-7a8e-7b6c-9d4e-2f1a3b5c7d9e';

  it('limits typing, presence and call invites, and no other frame', () => {
    expect(frameAction({ type: 'typing', conversationId: id })).toBe('typing');
    expect(frameAction({ type: 'presence', state: 'away' })).toBe('presence');
    expect(frameAction({ type: 'call.invite', callId: id, conversationId: id, calleeId: id, partyId: id, video: true })).toBe('callInvite');
    expect(frameAction({ type: 'ping' })).toBeNull();
    expect(frameAction({ type: 'call.hangup', callId: id, partyId: id })).toBeNull();
  });

  it('answers a refused invite with its call.error, anything else with error, both with the wait', () => {
    expect(rateLimitedFrame({ type: 'call.invite', callId: id, conversationId: id, calleeId: id, partyId: id, video: true }, 1500)).toEqual({
      type: 'call.error',
      callId: id,
      code: 'rate_limited',
      retryAfterMs: 1500,
    });
    expect(rateLimitedFrame({ type: 'typing', conversationId: id }, 20)).toEqual({ type: 'error', code: 'rate_limited', retryAfterMs: 20, conversationId: id });
    expect(rateLimitedFrame({ type: 'presence', state: 'online' }, 20)).toEqual({ type: 'error', code: 'rate_limited', retryAfterMs: 20 });
  });
});
