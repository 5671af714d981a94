import { beforeEach, describe, expect, it } from 'vitest';
import { INTENT_LIFETIME_MS, noteIntent, parseIntent, pendingIntent, takeIntent } from '../../../../src/app/core/intent.ts';

const CID = '01a216e5-6c97-71c6-8b1f-f27a5a519eb1';

describe('notification intents', () => {
  beforeEach(() => {
    pendingIntent.value = null;
  });

  it('reads "Répondre" and "Accepter" from the path a notification click opens', () => {
    expect(parseIntent(`/c/${CID}?reply=1`, 5)).toEqual({ conversationId: CID, action: 'reply', at: 5 });
    expect(parseIntent(`/c/${CID}?answer=1`, 5)).toEqual({ conversationId: CID, action: 'answer', at: 5 });
    expect(parseIntent(`/c/${CID}`)).toBeNull();
    expect(parseIntent(`/c/not-an-id?reply=1`)).toBeNull();
    expect(parseIntent(`/?reply=1`)).toBeNull();
  });

  it('is taken once, only by its own conversation and action', () => {
    noteIntent(`/c/${CID}?reply=1`);
    expect(takeIntent('01a216e5-0000-7000-8000-000000000000', 'reply')).toBe(false);
    expect(takeIntent(CID, 'answer')).toBe(false);
    expect(takeIntent(CID, 'reply')).toBe(true);
    expect(takeIntent(CID, 'reply')).toBe(false);
  });

  it('never answers a call with an intent that went stale', () => {
    pendingIntent.value = { conversationId: CID, action: 'answer', at: 1_000 };
    expect(takeIntent(CID, 'answer', 1_000 + INTENT_LIFETIME_MS + 1)).toBe(false);
    expect(pendingIntent.value).toBeNull();
  });
});
