import { describe, expect, it } from 'vitest';
import { notifyEn } from '../../src/app/i18n/notify-en.ts';
import { notifyFr } from '../../src/app/i18n/notify-fr.ts';
import { soundFor } from '../../src/app/notifications/notification-features.ts';
import { unreadMinutes } from '../../src/app/notifications/unread-since.ts';
import { DEFAULT_PREFERENCES } from '../../src/shared/push.ts';

const here = '0190a5b0-0000-7000-8000-000000000001';
const there = '0190a5b0-0000-7000-8000-000000000002';
const noon = Date.parse('2026-03-10T12:00:00Z');

describe('soundFor()', () => {
  it('plays the message sound for another conversation, nothing for the one on screen', () => {
    expect(soundFor({ type: 'message', conversationId: there, urgent: false }, DEFAULT_PREFERENCES, here, noon)).toBe('message');
    expect(soundFor({ type: 'message', conversationId: here, urgent: false }, DEFAULT_PREFERENCES, here, noon)).toBeNull();
  });

  it('keeps quiet when sounds are off, the conversation is muted or it is quiet hours — except for urgent', () => {
    const quiet = { ...DEFAULT_PREFERENCES, quietHours: { start: '11:00', end: '13:00', timeZone: 'UTC' } };
    const muted = { ...DEFAULT_PREFERENCES, muted: [there] };
    const message = { type: 'message' as const, conversationId: there, urgent: false };
    expect(soundFor(message, quiet, null, noon)).toBeNull();
    expect(soundFor(message, muted, null, noon)).toBeNull();
    expect(soundFor({ ...message, urgent: true }, quiet, null, noon)).toBe('urgent');
    expect(soundFor({ ...message, urgent: true }, muted, here, noon)).toBe('urgent');
    expect(soundFor({ ...message, urgent: true }, { ...DEFAULT_PREFERENCES, sound: false }, null, noon)).toBeNull();
  });

  it('leaves calls to the call screen’s ringtone', () => {
    expect(soundFor({ type: 'call', conversationId: there, urgent: true }, DEFAULT_PREFERENCES, null, noon)).toBeNull();
  });
});

describe('notification screens catalogue', () => {
  it('has the same keys in French and English', () => {
    expect(Object.keys(notifyEn).sort()).toEqual(Object.keys(notifyFr).sort());
  });
});

describe('unreadMinutes()', () => {
  const sent = { urgent: true, status: 'sent', time: noon };
  it('says how long an urgent message stayed unread, from 10 minutes on', () => {
    expect(unreadMinutes(sent, 0, noon + 9 * 60_000)).toBeNull();
    expect(unreadMinutes(sent, 0, noon + 10 * 60_000)).toBe(10);
    expect(unreadMinutes(sent, 0, noon + 14 * 60_000 + 59_000)).toBe(14);
  });

  it('says nothing once someone read it, or for an ordinary or unsent message', () => {
    const later = noon + 30 * 60_000;
    expect(unreadMinutes(sent, 1, later)).toBeNull();
    expect(unreadMinutes({ ...sent, urgent: false }, 0, later)).toBeNull();
    expect(unreadMinutes({ ...sent, status: 'pending' }, 0, later)).toBeNull();
  });
});
