import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/shared/ids.ts';
import type { FunctionsReply } from '../../src/shared/oncall.ts';
import { DEMO_PASSWORD } from '../../src/server/demo-seed.ts';
import { ROOT } from '../integration/helpers.ts';
import { useE2eStack } from './fixture.ts';
import { measureLayout } from './layout-steps.ts';
import { openConversation, openSignedInPage } from './page-steps.ts';
import { apiAs } from './server-steps.ts';

/** The Redis DB index this file owns. */
const DB = 32;
const SHOTS = '/tmp/shots-ladder';

/**
 * The escalation ladder, in Chromium with the real service worker: the nurse writes an urgent
 * message to "Médecin de garde — Médecine" from her phone; it reaches the doctor on duty, who does
 * not answer; 5 minutes later (the gateway's on-call clock moved forward: `offset`, its ladder
 * scanning every 250 ms instead of 15 s) the demo's ladder adds and alerts the doctor on call as
 * backup ("Médecin d'astreinte — Médecine"), who answers "Je prends en charge" from the ward's
 * tablet; the nurse's phone shows who was alerted and who took it on.
 */
let offset = 0;

/** axe-core's violations (WCAG 2.2 AA and best practices, as tests/e2e/accessibility.test.ts runs it) on the page as it stands. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: resolve(ROOT, 'node_modules/axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<AxeResults> } }).axe;
    const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'];
    const results = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe('the escalation ladder of "Médecin de garde — Médecine"', () => {
  const e2e = useE2eStack({ db: DB, config: { oncall: { now: () => Date.now() + offset, ladderTickMs: 250 } } });

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
  });

  it('reaches the holder; nobody answers; the backup is alerted, claims it, and the sender sees it', async () => {
    const nurseApi = await apiAs(e2e.stack, 'inf.dubois');
    /** Who holds each demo function by the gateway's on-call clock. */
    const holders = async () => {
      const listed = (await nurseApi.request('GET', '/api/functions')).body as FunctionsReply;
      const holderOf = (name: string) => listed.functions.find((f) => f.name === name)?.holder?.displayName ?? '';
      return { duty: holderOf('Médecin de garde — Médecine'), backup: holderOf('Médecin d’astreinte — Médecine') };
    };
    const before = await holders();
    expect(before.duty).toMatch(/^Dr /);
    expect(before.backup).toMatch(/^Dr /);
    expect(before.backup).not.toBe(before.duty);

    // The nurse writes to the function from her phone, urgent.
    const nurse = await e2e.newContext({ viewport: { width: 390, height: 844 } });
    const phone = await openSignedInPage(nurse, 'inf.dubois');
    await phone.getByTestId('new-conversation').click();
    await phone.getByTestId('function-picker').getByTestId('function-item').filter({ hasText: 'Médecin de garde — Médecine' }).click();
    await phone.getByTestId('chat-window').waitFor();
    const conversationId = /\/c\/([0-9a-f-]{36})$/.exec(new URL(phone.url()).pathname)?.[1] ?? '';
    await phone.getByTestId('composer-urgent').check();
    await phone.getByTestId('composer-input').fill('Patient chambre 8 : saturation à 84 %, venez vite');
    await phone.getByTestId('composer-input').press('Enter');
    const urgent = phone.locator('[data-testid="message"].message--urgent');
    await expect.poll(() => urgent.getAttribute('data-status'), { timeout: 20_000 }).toBe('sent');
    const messageId = (await urgent.getAttribute('data-message-id')) ?? '';

    // It reached the holder: they are in the conversation, and nobody else yet.
    const holderName = before.duty;
    const members = async (): Promise<string[]> => {
      const conversations = (await nurseApi.request('GET', '/api/conversations')).body as { conversations: { id: string; participants: { displayName: string }[] }[] };
      return conversations.conversations.find((c) => c.id === conversationId)?.participants.map((p) => p.displayName) ?? [];
    };
    expect(await members()).toEqual(expect.arrayContaining([holderName]));
    expect(await members()).not.toContain(before.backup);

    // Nobody answers for 5 minutes (by the gateway's on-call clock): the ladder's first step alerts
    // whoever is on call as backup then (the other doctor; the same one if a turn ended meanwhile).
    const escalated = phone.locator('[data-testid="system-message"][data-event="urgent.escalated"]');
    expect(await escalated.count()).toBe(0);
    offset += 5 * 60_000;
    const backupName = (await holders()).backup;
    await expect.poll(() => escalated.count(), { timeout: 20_000 }).toBe(1);
    expect(await escalated.getByTestId('system-text').textContent()).toBe(`Sans réponse après 5 min : alerte envoyée à ${backupName} (palier 1)`);
    expect(await members()).toContain(backupName);
    // The sender sees who is asked now: the holder and the backup.
    const bar = urgent.getByTestId('urgent-ack');
    await expect.poll(() => bar.getByTestId('ack-summary').textContent(), { timeout: 20_000 }).toContain(backupName);
    expect((await measureLayout(phone)).overflow).toBeLessThanOrEqual(0);
    await escalated.scrollIntoViewIfNeeded();
    await phone.screenshot({ path: `${SHOTS}/sender-escalated-390.png` });

    // The backup, on the ward's tablet: the conversation is theirs now; they take it on.
    const backupUsername = backupName === 'Dr Anne Martin' ? 'dr.martin' : 'dr.benali';
    const tabletContext = await e2e.newContext({ viewport: { width: 1180, height: 820 } });
    const tablet = await openSignedInPage(tabletContext, backupUsername);
    await openConversation(tablet, conversationId);
    const theirs = tablet.locator(`[data-testid="message"][data-message-id="${messageId}"]`).getByTestId('urgent-ack');
    await theirs.getByTestId('claim-button').waitFor({ timeout: 20_000 });
    const line = tablet.locator('[data-testid="system-message"][data-event="urgent.escalated"]').getByTestId('system-text');
    expect(await line.textContent()).toBe('Sans réponse après 5 min : vous êtes alerté·e (palier 1)');
    const box = await theirs.getByTestId('claim-button').boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await tablet.screenshot({ path: `${SHOTS}/backup-alerted-1180.png` });
    await theirs.getByTestId('claim-button').click();
    await expect.poll(() => theirs.getAttribute('data-state')).toBe('claimed');

    // The sender's phone: who took it on.
    await expect.poll(() => bar.getByTestId('urgent-claim').textContent(), { timeout: 20_000 }).toMatch(new RegExp(`^${backupName} prend en charge, \\d{2}:\\d{2}$`));
    await phone.screenshot({ path: `${SHOTS}/sender-claimed-390.png` });

    // 10 minutes: the ladder's last step (the coordinating nurse, who is the sender here: skipped) ends it,
    // with no further line. (Stopping at the first answer is proven in tests/integration/oncall/ladder.test.ts.)
    offset += 10 * 60_000;
    const claimLine = phone.locator('[data-testid="system-message"][data-event="urgent.ack"]');
    await expect.poll(() => claimLine.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(async () => (await e2e.stack.gateway.redis.zrange('{oncall}:ladder', '0', '-1')).filter((m) => m.includes(messageId)), { timeout: 20_000 }).toEqual([]);
    expect(await escalated.count()).toBe(1);
  });

  it('at a handover, an open urgent conversation passes to the next holder, and the conversation says so', async () => {
    // The on-call clock back to the real one: the conversation reaches the holder by the real clock.
    offset = 0;
    const nurseApi = await apiAs(e2e.stack, 'inf.dubois');
    const listed = (await nurseApi.request('GET', '/api/functions')).body as FunctionsReply;
    const duty = listed.functions.find((f) => f.name === 'Médecin de garde — Médecine');
    const holderName = duty?.holder?.displayName ?? '';
    const [holderUsername, nextUsername, nextName] =
      holderName === 'Dr Anne Martin' ? ['dr.martin', 'dr.benali', 'Dr Karim Benali'] : ['dr.benali', 'dr.martin', 'Dr Anne Martin'];
    // The nurse's urgent message to the duty, unanswered.
    const conversationId = newId();
    const messageId = newId();
    const results = await nurseApi.push([
      { id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [duty?.holder?.id ?? ''], functionId: duty?.id ?? '' } },
      { id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'Perfusion bouchée chambre 3', urgent: true } },
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    const nextId = listed.functions.find((f) => f.name === 'Médecin d’astreinte — Médecine')?.holder?.id ?? '';

    // The holder hands the duty over to the other doctor.
    const holderApi = await apiAs(e2e.stack, holderUsername);
    expect((await holderApi.request('POST', `/api/functions/${duty?.id ?? ''}/handover`, { body: { toUserId: nextId } })).status).toBe(200);

    // The next holder's tablet: the conversation is theirs, the line addresses them, they can take it on.
    const context = await e2e.newContext({ viewport: { width: 1180, height: 820 } });
    const tablet = await openSignedInPage(context, nextUsername);
    await openConversation(tablet, conversationId);
    const line = tablet.locator('[data-testid="system-message"][data-event="function.handover"]').getByTestId('system-text');
    await expect.poll(() => line.textContent(), { timeout: 20_000 }).toBe(`${holderName} vous a transmis la garde`);
    await tablet.locator(`[data-testid="message"][data-message-id="${messageId}"]`).getByTestId('claim-button').waitFor();
    await tablet.screenshot({ path: `${SHOTS}/handover-next-holder-1180.png` });

    // The nurse's phone reads it in the third person.
    const nurse = await e2e.newContext({ viewport: { width: 390, height: 844 } });
    const phone = await openSignedInPage(nurse, 'inf.dubois');
    await openConversation(phone, conversationId);
    const seen = phone.locator('[data-testid="system-message"][data-event="function.handover"]').getByTestId('system-text');
    await expect.poll(() => seen.textContent(), { timeout: 20_000 }).toBe(`${holderName} a transmis la garde à ${nextName}`);
    expect((await measureLayout(phone)).overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: `${SHOTS}/handover-sender-390.png` });
  });

  it('the console edits the ladder: steps after N minutes, a person or a function’s holder (44 px targets, no overflow)', async () => {
    for (const viewport of [
      { width: 390, height: 844 },
      { width: 1180, height: 820 },
    ]) {
      const admin = await (await e2e.newContext({ viewport, bypassCSP: true /* axe-core injected */ })).newPage();
      await admin.goto('/admin');
      await admin.getByTestId('login-username').fill('admin');
      await admin.getByTestId('login-password').fill(DEMO_PASSWORD);
      await admin.getByTestId('login-submit').click();
      await admin.getByTestId('admin-tab-oncall').click();
      const row = admin.locator('[data-testid=oncall-row][data-name="Médecin de garde — Médecine"]');
      await row.getByTestId('oncall-open').click();
      const form = admin.getByTestId('oncall-ladder-form');
      await form.waitFor();
      const steps = form.getByTestId('oncall-step');
      await expect.poll(() => steps.count()).toBe(2);
      expect(await steps.nth(0).locator('input[name=afterMinutes]').inputValue()).toBe('5');
      expect(await steps.nth(0).locator('select[name=kind]').inputValue()).toBe('function');
      await expect.poll(() => steps.nth(0).locator('select[name=targetId] option:checked').textContent()).toBe('Médecin d’astreinte — Médecine');
      expect(await steps.nth(1).locator('select[name=targetId] option:checked').textContent()).toContain('Claire Dubois');
      for (const control of await form.locator('button, select, input').all()) {
        const box = await control.boundingBox();
        expect(box!.height).toBeGreaterThanOrEqual(44);
      }
      await form.scrollIntoViewIfNeeded();
      await admin.screenshot({ path: `${SHOTS}/console-ladder-${viewport.width}.png` });
      expect(await admin.locator('.admin-main').evaluate((main) => main.scrollWidth - main.clientWidth)).toBeLessThanOrEqual(0);
      expect(await axeViolations(admin)).toEqual([]);
      if (viewport.width === 1180) {
        // A third step: 20 minutes, a person (Sophie Leroy); saved, and the gateway answers it back.
        await form.getByTestId('oncall-add-step').click();
        const third = steps.nth(2);
        await third.locator('input[name=afterMinutes]').fill('20');
        await third.locator('select[name=targetId]').selectOption({ label: 'Sophie Leroy · Accueil des consultations' });
        await form.getByTestId('oncall-save-ladder').click();
        await expect.poll(() => admin.getByTestId('oncall-editor-status').textContent()).toBe('Escalade enregistrée.');
        const detail = await admin.evaluate(async () => (await fetch('/api/admin/functions')).json());
        const id = (detail as FunctionsReply).functions.find((f) => f.name === 'Médecin de garde — Médecine')?.id;
        const saved = await admin.evaluate(async (functionId) => (await fetch(`/api/admin/functions/${functionId}`)).json(), id);
        expect((saved as { ladder: { afterMinutes: number }[] }).ladder.map((s) => s.afterMinutes)).toEqual([5, 10, 20]);
        // Out of order: refused, said in the ladder's words.
        await third.locator('input[name=afterMinutes]').fill('3');
        await form.getByTestId('oncall-save-ladder').click();
        await expect.poll(() => form.getByTestId('oncall-ladder-problem').textContent()).toBe('Chaque palier doit venir plus tard que le précédent.');
        await admin.screenshot({ path: `${SHOTS}/console-ladder-refused-1180.png` });
      }
    }
  });
});
