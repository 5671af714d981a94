import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/shared/ids.ts';
import { useE2eStack } from './fixture.ts';
import { measureLayout } from './layout-steps.ts';
import { openConversation, openSignedInPage } from './page-steps.ts';
import { apiAs } from './server-steps.ts';

/** The Redis DB index this file owns. */
const DB = 9;
const SHOTS = '/tmp/shots-urgent-ack';

/*
 * Closing the loop on an urgent message, in Chromium: Dr Martin writes an urgent message to a group
 * with Dr Benali and the nurse Claire Dubois. On his phone, offline, Dr Benali answers "Je prends en
 * charge"; back online, every member sees "Dr Karim Benali prend en charge, <time>", and Dr Martin's
 * tablet says who has not answered yet — until the nurse acknowledges too.
 */
describe('acknowledging an urgent message', () => {
  const e2e = useE2eStack({ db: DB });
  let conversationId = '';
  let urgentId = '';

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    const martin = await apiAs(e2e.stack, 'dr.martin');
    const ids: string[] = [];
    for (const name of ['Karim Benali', 'Claire Dubois']) {
      const found = await martin.request('GET', `/api/users?q=${encodeURIComponent(name)}`);
      ids.push((found.body as { users: { id: string }[] }).users[0]?.id ?? '');
    }
    conversationId = newId();
    urgentId = newId();
    const results = await martin.push([
      { id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: ids, title: 'Garde cardiologie' } },
      { id: urgentId, kind: 'message.send', args: { conversationId, messageId: urgentId, body: 'Kaliémie à 6,8 en chambre 12 : qui s’en occupe ?', urgent: true } },
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  const urgentMessage = (page: Page) => page.locator(`[data-testid="message"][data-message-id="${urgentId}"]`);

  it('a recipient claims it offline on a phone; every member sees who took it on; the sender sees who has not answered', async () => {
    const benali = await e2e.openTablet({ viewport: { width: 390, height: 844 } });
    const phone = await openSignedInPage(benali.context, 'dr.benali');
    await openConversation(phone, conversationId);
    const bar = urgentMessage(phone).getByTestId('urgent-ack');
    await bar.waitFor();
    expect(await bar.getAttribute('data-state')).toBe('pending');
    for (const name of ['ack-button', 'claim-button']) {
      const box = await bar.getByTestId(name).boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(44);
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    }
    expect(await bar.getByTestId('ack-button').textContent()).toBe('Pris en compte');
    expect(await bar.getByTestId('claim-button').textContent()).toBe('Je prends en charge');
    expect((await measureLayout(phone)).overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: `${SHOTS}/recipient-390.png` });

    // Offline: the answer waits in the outbox, shown as given.
    await benali.goOffline();
    await bar.getByTestId('claim-button').click();
    await expect.poll(() => bar.getAttribute('data-state')).toBe('claimed');
    expect(await bar.getByTestId('urgent-ack-mine').textContent()).toBe('Vous prenez en charge');
    expect(await bar.getByTestId('claim-button').count()).toBe(0);

    // Back online: the gateway writes the line, which every member's copy then carries.
    await benali.goOnline();
    const claimLine = phone.locator('[data-testid="system-message"][data-event="urgent.ack"]');
    await expect.poll(() => claimLine.count(), { timeout: 30_000 }).toBe(1);
    expect(await claimLine.getByTestId('system-text').textContent()).toBe('Vous prenez en charge');
    await expect.poll(() => bar.getByTestId('urgent-claim').textContent()).toMatch(/^Vous prenez en charge, \d{2}:\d{2}$/);
    await phone.screenshot({ path: `${SHOTS}/recipient-claimed-390.png` });

    // The sender, on the ward's tablet: who took it on, and who has not answered yet.
    const martin = await e2e.newContext({ viewport: { width: 1180, height: 820 } });
    const tablet = await openSignedInPage(martin, 'dr.martin');
    await openConversation(tablet, conversationId);
    const mine = urgentMessage(tablet).getByTestId('urgent-ack');
    await expect.poll(() => mine.getByTestId('urgent-claim').textContent(), { timeout: 20_000 }).toMatch(/^Dr Karim Benali prend en charge, /);
    expect(await mine.getByTestId('ack-summary').textContent()).toBe('En attente de réponse : Claire Dubois');
    const line = tablet.locator('[data-testid="system-message"][data-event="urgent.ack"]').getByTestId('system-text');
    expect(await line.textContent()).toBe('Dr Karim Benali prend en charge');
    expect(await mine.getByTestId('ack-button').count()).toBe(0);
    await tablet.screenshot({ path: `${SHOTS}/sender-1180.png` });

    // Under "Urgentes", the sender's urgent messages still waiting for someone; a tap opens it.
    await tablet.goto('/');
    await tablet.getByTestId('list-filter').selectOption('urgent');
    const waiting = tablet.getByTestId('open-urgent-item');
    await waiting.waitFor({ timeout: 20_000 });
    expect(await waiting.textContent()).toContain('Garde cardiologie');
    expect(await waiting.textContent()).toContain('En attente de réponse : Claire Dubois');
    expect((await waiting.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await tablet.screenshot({ path: `${SHOTS}/open-urgent-1180.png` });
    await waiting.click();
    await tablet.getByTestId('chat-window').waitFor();
    expect(new URL(tablet.url()).pathname).toBe(`/c/${conversationId}`);

    // The nurse acknowledges (from her own device): the sender's line follows, live.
    const dubois = await apiAs(e2e.stack, 'inf.dubois');
    const [acked] = await dubois.push([{ id: newId(), kind: 'message.ack', args: { conversationId, messageId: urgentId } }]);
    expect(acked?.ok).toBe(true);
    await expect.poll(() => mine.getByTestId('ack-summary').textContent(), { timeout: 20_000 }).toBe('Tous ont répondu · Pris en compte : Claire Dubois');
    // Answered by all: out of the sender's list. The answers are not unread messages either: the list
    // shows the conversation read on the sender's side.
    await tablet.goto('/');
    await tablet.getByTestId('list-filter').selectOption('urgent');
    await tablet.getByTestId('open-urgent-none').waitFor({ timeout: 20_000 });
    // (Under "Urgentes" are conversations with someone else's urgent message: the inbox has his.)
    await tablet.getByTestId('list-filter').selectOption('inbox');
    const row = tablet.getByTestId('conversation-row').filter({ hasText: 'Garde cardiologie' });
    await row.waitFor();
    expect(await row.getAttribute('class')).not.toContain('conversation-row--unread');
  });

  it('a nurse writes to "Médecin de garde — Médecine" from her phone and reaches whoever holds it now', async () => {
    // Who holds it now, as the gateway's rota says (the demo's: Dr Benali by day, Dr Martin at night).
    const nurseApi = await apiAs(e2e.stack, 'inf.dubois');
    const listed = (await nurseApi.request('GET', '/api/functions')).body as { functions: { name: string; holder: { displayName: string } | null }[] };
    const duty = listed.functions.find((f) => f.name === 'Médecin de garde — Médecine');
    const holder = duty?.holder?.displayName ?? '';
    expect(holder).toMatch(/^Dr /);

    const nurse = await e2e.newContext({ viewport: { width: 390, height: 844 } });
    const phone = await openSignedInPage(nurse, 'inf.dubois');
    await phone.getByTestId('new-conversation').click();
    const item = phone.getByTestId('function-picker').getByTestId('function-item').filter({ hasText: 'Médecin de garde — Médecine' });
    await item.waitFor({ timeout: 20_000 });
    expect(await item.textContent()).toContain(`de garde : ${holder}`);
    const box = await item.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    expect((await measureLayout(phone)).overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: `${SHOTS}/function-picker-390.png` });
    await item.click();
    await phone.getByTestId('chat-window').waitFor();
    expect(await phone.locator('#chat-title').textContent()).toBe('Médecin de garde — Médecine');
    // The conversation shows who it reached.
    const conversationId = /\/c\/([0-9a-f-]{36})$/.exec(new URL(phone.url()).pathname)?.[1] ?? '';
    const created = (await nurseApi.request('GET', '/api/conversations')).body as { conversations: { id: string; participants: { displayName: string }[]; function?: { name: string } }[] };
    const conversation = created.conversations.find((c) => c.id === conversationId);
    expect(conversation?.function?.name).toBe('Médecin de garde — Médecine');
    expect(conversation?.participants.map((p) => p.displayName)).toContain(holder);
    await phone.screenshot({ path: `${SHOTS}/function-conversation-390.png` });
  });
});
