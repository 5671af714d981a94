import { describe, expect, it } from 'vitest';
import type { LocalMessage } from '../../../../../src/shared/local-model.ts';
import { QUOTE_PREVIEW_MAX, quoteCopies, quotePreview, resolveQuote } from '../../../../../src/app/features/chat/quote.ts';
import { chatEn } from '../../../../../src/app/core/i18n/chat-en.ts';
import { chatFr } from '../../../../../src/app/core/i18n/chat-fr.ts';

const CONVERSATION = '00000000-0000-4000-8000-000000000001';
const ANNE = '00000000-0000-4000-8000-0000000000a1';
const PAUL = '00000000-0000-4000-8000-0000000000b2';

function stored(messageId: string, senderId: string, body: string, fields: Partial<LocalMessage> = {}): LocalMessage {
  return { conversationId: CONVERSATION, messageId, seq: 1, senderId, body, urgent: false, time: 1, status: 'sent', ...fields };
}

describe('resolveQuote()', () => {
  const original = stored('q1', ANNE, 'Dose : 5 mg');
  const copies = quoteCopies([original], new Map());

  it('shows the quoted message from this device’s copy: its real author and its own text', () => {
    expect(resolveQuote({ messageId: 'q1', senderId: ANNE }, CONVERSATION, copies)).toBe(original);
    // My reply still pending: the server has not named the author yet; the copy does.
    expect(resolveQuote({ messageId: 'q1' }, CONVERSATION, copies)).toBe(original);
  });

  it('is unavailable without a copy, with a copy of another conversation, or when the server named another author', () => {
    expect(resolveQuote({ messageId: 'absent', senderId: ANNE }, CONVERSATION, copies)).toBeNull();
    const elsewhere = quoteCopies([stored('q1', ANNE, 'x', { conversationId: '00000000-0000-4000-8000-000000000009' })], new Map());
    expect(resolveQuote({ messageId: 'q1', senderId: ANNE }, CONVERSATION, elsewhere)).toBeNull();
    expect(resolveQuote({ messageId: 'q1', senderId: PAUL }, CONVERSATION, copies)).toBeNull();
  });

  it('never reads an excerpt the reply carries (older clients sent one)', () => {
    const forged = { messageId: 'absent', senderId: ANNE, excerpt: 'Dose : 50 mg' } as { messageId: string; senderId: string };
    expect(resolveQuote(forged, CONVERSATION, copies)).toBeNull();
  });

  it('says so in French and English when the device has no copy', () => {
    expect(chatFr['chat.quoteUnavailable']).toBe('message cité indisponible');
    expect(chatEn['chat.quoteUnavailable']).toBe('quoted message unavailable');
  });
});

describe('quoteCopies()', () => {
  it('finds quoted copies outside the loaded pages, the loaded version winning', () => {
    const older = stored('q0', PAUL, 'ancien');
    const loaded = stored('q1', ANNE, 'à jour');
    const copies = quoteCopies([loaded], new Map([['q0', older], ['q1', stored('q1', ANNE, 'périmé')]]));
    expect(copies.get('q0')).toBe(older);
    expect(copies.get('q1')).toBe(loaded);
  });
});

describe('quotePreview()', () => {
  it('shows the start of the text, else the first file’s name', () => {
    expect(quotePreview(stored('q', ANNE, 'x'.repeat(500)))).toHaveLength(QUOTE_PREVIEW_MAX);
    const file = { id: 'a'.repeat(64), name: 'radio.png', mime: 'image/png' as const, size: 1 };
    expect(quotePreview(stored('q', ANNE, '', { attachments: [file] }))).toBe('radio.png');
  });
});
