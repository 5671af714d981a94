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
import { openConversation, openSignedInPage, startConversationWith } from './page-steps.ts';

/** The Redis DB index the call e2e tests own (flushed by them). */
const CALLS_E2E_DB = 11;

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
    for (const page of [anne, karim]) {
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
  });

  it('tells the caller when the call is declined', async () => {
    await placeCall(call);
    await karim.getByTestId('call-decline').click();
    await expectCallEnded([anne], 'declined');
    expect(await anne.getByTestId('call-ended').textContent()).toContain('Appel refusé');
    await anne.getByTestId('call-ended-close').click();
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
