import { describe, expect, it } from 'vitest';
import { useE2eStack } from './fixture.ts';
import { messagesWithStatus, openConversation, sendFromComposer, shownBodies, startConversationWith } from './page-steps.ts';

/** The Redis DB index this file owns. */
const DB = 7;

/**
 * Foundation, end to end: the built app, its real service worker, the real gateway and Redis.
 * Two doctors on two "tablets" (browser contexts), each behind its own network switch.
 */
describe('one message from tablet to tablet, offline included', () => {
  const e2e = useE2eStack({ db: DB });

  it('delivers live, keeps offline messages across a reload, then delivers them once and in order', async () => {
    const a = await e2e.openDevice('dr.martin');
    const b = await e2e.openDevice('dr.benali');

    // A starts a conversation with B through the dialog (the direct one the demo seeded comes back).
    const conversationId = await startConversationWith(a.page, 'benali');
    expect(new URL(a.page.url()).pathname).toMatch(/^\/c\/[0-9a-f-]{36}$/);

    await openConversation(b.page, conversationId);
    const before = (await shownBodies(b.page)).length;

    // Live: A sends, B sees it without reloading.
    await sendFromComposer(a.page, 'Bonjour Karim, le patient de la 12 est arrivé.');
    await expect.poll(() => shownBodies(b.page)).toContain('Bonjour Karim, le patient de la 12 est arrivé.');
    await expect.poll(() => messagesWithStatus(a.page, 'sent').count()).toBeGreaterThan(0);

    // Offline: the network is cut (A's socket drops with it), A writes three messages.
    await a.goOffline();
    const offline = ['Hors ligne 1 : tension 12/8', 'Hors ligne 2 : glycémie 1,1 g/L', 'Hors ligne 3 : à revoir demain'];
    for (const text of offline) {
      await a.page.getByTestId('composer-input').fill(text);
      await a.page.getByTestId('composer-send').click();
    }
    const pending = messagesWithStatus(a.page, 'pending');
    await expect.poll(() => pending.count()).toBe(3);

    // Reload while still offline: the shell comes from the precache, the pending messages from the SW store.
    await a.page.reload();
    await a.page.getByTestId('chat-window').waitFor();
    await expect.poll(() => pending.count()).toBe(3);
    expect(await pending.getByTestId('message-body').allTextContents()).toEqual(offline);
    await expect.poll(() => a.page.getByTestId('connection-banner').isVisible()).toBe(true);

    // Back online: B gets the three exactly once and in order; A's markers turn to sent.
    await a.goOnline();
    await expect.poll(() => shownBodies(b.page), { timeout: 20_000 }).toEqual(expect.arrayContaining(offline));
    const received = await shownBodies(b.page);
    for (const text of offline) expect(received.filter((body) => body === text)).toHaveLength(1);
    expect(received.slice(-3)).toEqual(offline);
    expect(received.length).toBe(before + 4);
    await expect.poll(() => pending.count(), { timeout: 20_000 }).toBe(0);
    const sentOffline = messagesWithStatus(a.page, 'sent').filter({ hasText: 'Hors ligne' });
    expect(await sentOffline.count()).toBe(3);

    // seq is gap-free on B's side.
    const seqs = (await b.page.locator('[data-testid="message"]').evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-seq')))));
    seqs.forEach((seq, i) => expect(seq).toBe((seqs[0] ?? 0) + i));
  });

  /** The gateway's sync pushes so far, by how they came (its operators' metrics). */
  async function pushCounts(): Promise<{ http: number; socket: number; sockets: number }> {
    const text = await fetch(`${e2e.stack.baseURL}/metrics`).then((r) => r.text());
    const sum = (pattern: RegExp) => [...text.matchAll(pattern)].reduce((total, match) => total + Number(match[1]), 0);
    return {
      http: sum(/^relais_sync_request_duration_seconds_count\{route="push",status="\d+"\} (\d+)$/gm),
      socket: sum(/^relais_sync_request_duration_seconds_count\{route="push_socket",status="\d+"\} (\d+)$/gm),
      sockets: sum(/^relais_sockets_connected (\d+)$/gm),
    };
  }

  it('carries what a tab sends on its open realtime socket, not as HTTP requests', async () => {
    const a = await e2e.openDevice('dr.martin');
    const b = await e2e.openDevice('dr.benali');
    const conversationId = await startConversationWith(a.page, 'benali');
    await openConversation(b.page, conversationId);
    // Both tabs hold their socket (the gateway counts them) before the test looks.
    await expect.poll(async () => (await pushCounts()).sockets).toBeGreaterThanOrEqual(2);
    const before = await pushCounts();

    const texts = ['Par la socket : le bilan est prêt', 'Par la socket : je passe à 14 h'];
    for (const text of texts) await sendFromComposer(a.page, text);
    await expect.poll(() => shownBodies(b.page)).toEqual(expect.arrayContaining(texts));
    await expect.poll(() => messagesWithStatus(a.page, 'sent').filter({ hasText: 'Par la socket' }).count()).toBe(2);

    const after = await pushCounts();
    expect(after.socket).toBeGreaterThan(before.socket);
    expect(after.http).toBe(before.http);
  });
});
