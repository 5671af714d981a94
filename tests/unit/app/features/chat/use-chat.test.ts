import { afterEach, describe, expect, it, vi } from 'vitest';
import { RelaisError } from '../../../../../src/shared/errors.ts';
import { LIMITS } from '../../../../../src/shared/limits.ts';
import { tError } from '../../../../../src/app/core/i18n/index.ts';

const request = vi.fn(async (_op: string, args: { body: string }) => ({ message: { body: args.body } }));
vi.mock('../../../../../src/app/core/sw-client.ts', () => ({ request, subscribe: vi.fn(), onTopic: vi.fn() }));

const { sendMessage } = await import('../../../../../src/app/features/chat/use-chat.ts');
const CONVERSATION = '0190a5b0-0000-7000-8000-000000000001';

afterEach(() => request.mockClear());

describe('sendMessage()', () => {
  it('refuses a body over the limit with message_too_long instead of cutting it, and sends nothing', async () => {
    const failure = await sendMessage(CONVERSATION, 'x'.repeat(LIMITS.MESSAGE_BODY_MAX + 1)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RelaisError);
    expect((failure as RelaisError).code).toBe('message_too_long');
    expect(request).not.toHaveBeenCalled();
    // What the composer shows for it (it keeps the text).
    expect(tError(failure, 'fr')).toBe('Le message est trop long (8000 caractères au plus).');
  });

  it('sends a body of exactly the limit whole', async () => {
    const body = 'é'.repeat(LIMITS.MESSAGE_BODY_MAX);
    const message = await sendMessage(CONVERSATION, body);
    expect(message.body).toBe(body);
    expect(request).toHaveBeenCalledWith('message.send', expect.objectContaining({ conversationId: CONVERSATION, body }));
  });

  it('asks again under the same message id when the service worker did not answer in time (stopped mid-request)', async () => {
    request.mockRejectedValueOnce(new RelaisError('timeout'));
    const message = await sendMessage(CONVERSATION, 'Tension 12/8');
    expect(message.body).toBe('Tension 12/8');
    expect(request).toHaveBeenCalledTimes(2);
    const [first, second] = request.mock.calls.map(([, args]) => args as unknown as { messageId: string });
    expect(second?.messageId).toBe(first?.messageId);
  });

  it('gives any other refusal back at once, without asking again', async () => {
    request.mockRejectedValueOnce(new RelaisError('conversation_not_found'));
    const failure = await sendMessage(CONVERSATION, 'Pouls 72').catch((error: unknown) => error);
    expect((failure as RelaisError).code).toBe('conversation_not_found');
    expect(request).toHaveBeenCalledTimes(1);
  });
});
