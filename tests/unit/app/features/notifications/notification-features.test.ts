import { describe, expect, it } from 'vitest';
import { expectMatchingCatalogues } from '../../catalogue-kit.ts';
import { notifyEn } from '../../../../../src/app/features/notifications/notify-en.ts';
import { notifyFr } from '../../../../../src/app/features/notifications/notify-fr.ts';
import { soundFor } from '../../../../../src/app/features/notifications/notification-features.ts';
import { DEFAULT_PREFERENCES } from '../../../../../src/shared/push.ts';

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
  it('has the same keys and placeholders in French and English, none empty', () => {
    expectMatchingCatalogues(notifyFr, notifyEn);
  });
});
