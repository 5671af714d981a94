import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../../src/shared/ids.ts';
import type { LocalMessage } from '../../../../src/shared/local-model.ts';
import type { SwContext } from '../../../../src/sw/session/context.ts';
import { resultOf, swHarness } from '../kit/sw.ts';

/**
 * A service worker stopped in the middle of a push: the server took the message, its answer never
 * came. The next worker hears of the message three ways — the live frame a tab forwards, its pull,
 * and its own push of the outbox again (the server answers the same seq) — in whatever order they
 * come. Each order leaves the message once, sent with its seq, the outbox empty, the cursor past it.
 */
type Step = 'live' | 'pull' | 'push';
const ORDERS: Step[][] = [
  ['live', 'pull', 'push'],
  ['live', 'push', 'pull'],
  ['pull', 'live', 'push'],
  ['pull', 'push', 'live'],
  ['push', 'live', 'pull'],
  ['push', 'pull', 'live'],
];

describe('a service worker stopped in the middle of a push', () => {
  for (const order of ORDERS) {
    it(`settles the message once whatever comes first: ${order.join(', ')}`, async () => {
      const { server, ctx, start, call, login, anne, conversation } = swHarness();
      await login('anne');
      // The push reaches the server, which stores the message; the worker dies before the answer.
      server.faults.push('lose-response');
      const sent = resultOf<{ message: LocalMessage }>(await call('message.send', { conversationId: conversation.id, messageId: newId(), body: 'Pendant l’arrêt' }));
      await ctx.active!.engine.whenIdle();
      expect(server.logs.get(conversation.id)).toHaveLength(1);
      ctx.close();

      const next: SwContext = start();
      await next.ready();
      const { db, engine } = next.active!;
      expect(await db.messages.get(sent.message.messageId)).toMatchObject({ status: 'pending' });
      const frame = server.feed(anne.id).at(-1)!;
      const steps: Record<Step, () => Promise<unknown>> = {
        live: () => call('live.frame', { frame: { type: 'changes', changes: [frame] } }, next),
        pull: () => engine.pull(),
        push: () => engine.flush(),
      };
      for (const step of order) await steps[step]();
      await engine.whenIdle();

      expect(server.logs.get(conversation.id)).toHaveLength(1);
      expect(await db.messages.filter((m) => m.conversationId === conversation.id).count()).toBe(1);
      expect(await db.messages.get(sent.message.messageId)).toMatchObject({ status: 'sent', seq: 1, body: 'Pendant l’arrêt' });
      expect(await db.outbox.count()).toBe(0);
      expect((await db.meta.get('cursor'))?.value).toBe(`e1:${server.feed(anne.id).length}`);
      next.close();
    });
  }
});
