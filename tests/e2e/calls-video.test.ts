import { mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadCallsConfig } from '../../src/server/calls/calls-config.ts';
import {
  acceptCall,
  CALL_CHROMIUM_FLAGS,
  expectCallEnded,
  expectVideoFlowingBothWays,
  hangUp,
  placeCall,
  refuseCamera,
  type CallPair,
} from './call-choreography.ts';
import { useE2eStack } from './fixture.ts';
import { measureLayout } from './layout-steps.ts';
import { conversationRow, openConversation, openSignedInPage, sendFromComposer, startConversationWith } from './page-steps.ts';

/** The Redis DB index the call e2e tests own (flushed by them). */
const CALLS_E2E_DB = 11;
const SHOTS = '/tmp/shots-calls-timeline';

/** The text of the newest line of this kind in the open conversation (`call.ended`, `call.missed`), spaces made plain. */
async function newestLine(page: Page, event: string): Promise<string> {
  const text = await page.locator(`[data-testid="system-message"][data-event="${event}"]`).last().getByTestId('system-text').textContent({ timeout: 15_000 });
  return (text ?? '').replace(/[\u00a0\u202f]/g, ' ');
}

/**
 * Video calls end to end: the built app, the real gateway and Redis, two Chromium "tablets" with
 * fake media devices. A short ring timeout (RELAIS_CALL_RING_SECONDS) makes the no-answer path quick.
 */
describe('video calls between two doctors', () => {
  const e2e = useE2eStack({
    db: CALLS_E2E_DB,
    config: { calls: loadCallsConfig({ RELAIS_CALL_RING_SECONDS: '4' }) },
    chromiumArgs: CALL_CHROMIUM_FLAGS,
  });
  let conversationId = '';
  let anne: Page;
  let karim: Page;
  let call: CallPair;

  beforeAll(async () => {
    anne = await openSignedInPage(await e2e.newContext(), 'dr.martin');
    karim = await openSignedInPage(await e2e.newContext(), 'dr.benali');
    conversationId = await startConversationWith(anne, 'benali');
    await openConversation(karim, conversationId);
    call = { caller: anne, callee: karim };
  });

  it('connects A and B with media flowing both ways, shows a mute, and records the call on hang-up', async () => {
    await placeCall(call);
    expect(await karim.getByTestId('incoming-caller').textContent()).toBe('Dr Anne Martin vous appelle');
    await acceptCall(call);
    // Video starts at half the camera's 1280×720 (a first frame sooner), then goes to full resolution.
    const remoteWidth = (): Promise<number> => karim.getByTestId('remote-video').evaluate((video: HTMLVideoElement) => video.videoWidth);
    await expect.poll(remoteWidth, { timeout: 15_000 }).toBe(1280);
    await expectVideoFlowingBothWays(call);

    await anne.getByTestId('call-toggle-audio').click();
    await karim.getByTestId('remote-muted').waitFor();
    expect(await karim.getByTestId('remote-muted').textContent()).toBe('Dr Anne Martin a coupé son micro');

    await hangUp(karim, call);
    // Each timeline gets the call's one line, as each side sees it, with how long it lasted.
    await expect.poll(() => newestLine(anne, 'call.ended'), { timeout: 15_000 }).toMatch(/^Appel vidéo à Dr Karim Benali · (\d+ min )?\d+ s$/);
    await expect.poll(() => newestLine(karim, 'call.ended'), { timeout: 15_000 }).toMatch(/^Appel vidéo de Dr Anne Martin · (\d+ min )?\d+ s$/);
    for (const page of [anne, karim]) {
      expect(await page.locator('[data-event="call.ended"]').count()).toBe(1);
      expect(await page.locator('[data-event="call.ended"] [data-testid="call-line-icon"]').getAttribute('aria-hidden')).toBe('true');
      await page.getByTestId('call-ended-close').click();
      await page.getByTestId('call-history-open').click();
      const entry = page.getByTestId('call-history-entry').first();
      await expect.poll(() => entry.getAttribute('data-outcome')).toBe('completed');
      expect(Number(await entry.getByTestId('call-history-duration').getAttribute('data-seconds'))).toBeGreaterThanOrEqual(1);
      await page.getByTestId('call-history-close').click();
    }

    // The stats panel counts the completed call beside the messaging figures.
    await anne.getByTestId('open-stats').click();
    const completedRow = anne.getByTestId('stat-row').filter({ hasText: 'Appels aboutis' });
    await expect.poll(() => completedRow.getByTestId('stat-value').textContent()).toBe('1');
    await anne.getByTestId('stats-close').click();
    await anne.getByTestId('stats-panel').waitFor({ state: 'hidden' });
  });

  it('tells the caller when the call is declined, and leaves "Appel refusé" in both timelines, unread for nobody', async () => {
    // Karim is on the list when it rings: the call's line must not make the conversation unread for him.
    await karim.goto('/');
    await conversationRow(karim, conversationId).waitFor();
    await placeCall(call);
    await karim.getByTestId('call-decline').click();
    await expectCallEnded([anne], 'declined');
    expect(await anne.getByTestId('call-ended').textContent()).toContain('Appel refusé');
    await anne.getByTestId('call-ended-close').click();
    await expect.poll(() => newestLine(anne, 'call.ended'), { timeout: 15_000 }).toBe('Appel refusé par Dr Karim Benali');
    // A message after the line: once Karim's list counts it, the line before it has arrived too.
    await sendFromComposer(anne, 'Je vous rappelle après la visite');
    await expect.poll(() => conversationRow(karim, conversationId).getByTestId('unread-badge').textContent(), { timeout: 15_000 }).toBe('1');
    await openConversation(karim, conversationId);
    await expect.poll(() => newestLine(karim, 'call.ended'), { timeout: 15_000 }).toBe('Appel de Dr Anne Martin refusé');
    for (const page of [anne, karim]) expect(await page.locator('[data-event="call.ended"]').count()).toBe(2);
  });

  it('ends an unanswered call as missed on both sides and leaves "Appel manqué" in the conversation', async () => {
    await placeCall(call);
    await expectCallEnded([anne, karim], 'missed', { timeout: 15_000 });
    expect(await anne.getByTestId('call-ended').textContent()).toContain('Pas de réponse');
    expect(await karim.getByTestId('incoming-call').count()).toBe(0);
    for (const page of [anne, karim]) {
      await expect.poll(() => page.getByTestId('system-message').last().textContent(), { timeout: 15_000 }).toContain('Appel manqué');
    }
  });

  it('shows the calls’ lines in both timelines on a phone and a tablet, centred, nothing sideways', async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The missed call's end cards are still open.
    for (const page of [anne, karim]) await page.getByTestId('call-ended-close').click();
    // One line per call, in seq order: answered, declined, missed.
    for (const page of [anne, karim]) {
      expect(await page.locator('[data-testid="system-message"][data-event^="call."]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-event')))).toEqual([
        'call.ended',
        'call.ended',
        'call.missed',
      ]);
    }
    for (const size of [{ width: 390, height: 844 }, { width: 1180, height: 820 }]) {
      for (const [who, page] of [['caller', anne], ['callee', karim]] as const) {
        await page.setViewportSize(size);
        const line = page.locator('[data-event="call.ended"]').first();
        await line.scrollIntoViewIfNeeded();
        const [box, list] = [await line.boundingBox(), await page.getByTestId('message-list').boundingBox()];
        if (!box || !list) throw new Error('no call line on screen');
        // Centred in the conversation, whole.
        expect(Math.abs(box.x + box.width / 2 - (list.x + list.width / 2))).toBeLessThanOrEqual(16);
        expect(box.width).toBeLessThanOrEqual(list.width);
        expect((await measureLayout(page)).overflow).toBeLessThanOrEqual(0);
        await page.screenshot({ path: `${SHOTS}/timeline-${who}-${size.width}.png` });
      }
    }
    // The list says what the last line is (a system line has no text to preview).
    for (const page of [anne, karim]) expect(await conversationRow(page, conversationId).textContent()).toContain('Appel manqué');
    // In English too.
    await anne.getByRole('button', { name: /^English/ }).click();
    await expect.poll(() => newestLine(anne, 'call.ended')).toBe('Call declined by Dr Karim Benali');
    const answered = await anne.locator('[data-event="call.ended"] [data-testid="system-text"]').first().textContent();
    expect((answered ?? '').replace(/[\u00a0\u202f]/g, ' ')).toMatch(/^Video call to Dr Karim Benali · (\d+ mins? )?\d+ secs?$/u);
    expect(await conversationRow(anne, conversationId).textContent()).toContain('Missed call');
    await anne.screenshot({ path: `${SHOTS}/timeline-caller-1180-en.png` });
    await anne.getByRole('button', { name: /^Français/ }).click();
  });

  it('explains a refused camera in French and offers to continue with audio only', async () => {
    const context = await e2e.newContext();
    await refuseCamera(context);
    const denied = await openSignedInPage(context, 'dr.martin');
    await openConversation(denied, conversationId);
    await denied.getByTestId('call-start').click();
    const panel = denied.getByTestId('media-error');
    await panel.waitFor();
    expect(await panel.getAttribute('data-code')).toBe('denied');
    expect(await panel.textContent()).toContain('l’autorisation a été refusée');
    expect(await panel.textContent()).toContain('cadenas');
    expect(await denied.getByTestId('media-audio-only').textContent()).toBe('Continuer en audio seul');
    // Nothing rang on the other side: the call is not placed before the media works.
    expect(await karim.getByTestId('incoming-call').count()).toBe(0);
  });
});
