import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadCallsConfig } from '../../src/server/calls/calls-config.ts';
import { DEMO_PASSWORD, seedDemo } from '../../src/server/demo-seed.ts';
import { flushTestDb, startGateway, type StartedGateway } from '../integration/helpers.ts';
import { launchChromium } from './browser.ts';

/** The Redis DB index the call e2e tests own (flushed by them). */
const CALLS_E2E_DB = 11;
/** Fake camera and microphone, permission granted, loopback ICE (no STUN). */
const CALL_FLAGS = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];

/**
 * Video calls end to end: the built app, the real gateway and Redis, two Chromium "tablets" with
 * fake media devices. A short ring timeout (RELAIS_CALL_RING_SECONDS) makes the no-answer path quick.
 */
describe('video calls between two doctors', () => {
  let gateway: StartedGateway;
  let browser: Browser;
  let conversationPath = '';
  const contexts: BrowserContext[] = [];

  async function signIn(username: string, options: { denyCamera?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ baseURL: gateway.url, locale: 'fr-FR' });
    contexts.push(context);
    if (options.denyCamera) {
      await context.addInitScript(() => {
        navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
      });
    }
    const page = await context.newPage();
    await page.goto('/');
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('conversation-list').waitFor();
    return page;
  }

  async function openConversation(page: Page): Promise<void> {
    if (!conversationPath) {
      await page.getByTestId('new-conversation').click();
      await page.getByTestId('user-search').fill('benali');
      await page.getByTestId('user-result').first().click();
      await page.getByTestId('create-conversation').click();
      await page.getByTestId('chat-window').waitFor();
      conversationPath = new URL(page.url()).pathname;
    } else {
      await page.goto(conversationPath);
      await page.getByTestId('chat-window').waitFor();
    }
  }

  /** Inbound bytes and decoded frames, as the call window's quality indicator read them from getStats(). */
  async function inbound(page: Page): Promise<{ bytes: number; frames: number }> {
    const indicator = page.getByTestId('call-quality');
    return {
      bytes: Number(await indicator.getAttribute('data-bytes-received')),
      frames: Number(await indicator.getAttribute('data-frames-decoded')),
    };
  }

  let anne: Page;
  let karim: Page;

  beforeAll(async () => {
    await flushTestDb(CALLS_E2E_DB);
    gateway = await startGateway({ db: CALLS_E2E_DB, calls: loadCallsConfig({ RELAIS_CALL_RING_SECONDS: '4' }) });
    await seedDemo(gateway.gateway.redis);
    browser = await launchChromium(CALL_FLAGS);
    anne = await signIn('dr.martin');
    karim = await signIn('dr.benali');
    await openConversation(anne);
    await openConversation(karim);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await gateway?.close();
  });

  it('connects A and B with media flowing both ways, shows a mute, and records the call on hang-up', async () => {
    await anne.getByTestId('call-start').click();
    await karim.getByTestId('incoming-call').waitFor();
    expect(await karim.getByTestId('incoming-caller').textContent()).toBe('Dr Anne Martin vous appelle');
    await karim.getByTestId('call-accept').click();

    for (const page of [anne, karim]) {
      await expect.poll(() => page.getByTestId('video-call-window').getAttribute('data-phase'), { timeout: 15_000 }).toBe('active');
      await expect.poll(async () => (await inbound(page)).frames, { timeout: 15_000 }).toBeGreaterThan(0);
    }
    // Video starts at half the camera's 1280×720 (a first frame sooner), then goes to full resolution.
    const remoteWidth = (): Promise<number> => karim.getByTestId('remote-video').evaluate((video: HTMLVideoElement) => video.videoWidth);
    await expect.poll(remoteWidth, { timeout: 15_000 }).toBe(1280);
    // Two samples apart, on both sides: bytes keep arriving and frames keep being decoded.
    const first = { anne: await inbound(anne), karim: await inbound(karim) };
    for (const [page, before] of [[anne, first.anne], [karim, first.karim]] as const) {
      await expect.poll(async () => (await inbound(page)).bytes, { timeout: 10_000 }).toBeGreaterThan(before.bytes);
      await expect.poll(async () => (await inbound(page)).frames, { timeout: 10_000 }).toBeGreaterThan(before.frames);
    }

    await anne.getByTestId('call-toggle-audio').click();
    await karim.getByTestId('remote-muted').waitFor();
    expect(await karim.getByTestId('remote-muted').textContent()).toBe('Dr Anne Martin a coupé son micro');

    await karim.getByTestId('call-hangup').click();
    for (const page of [anne, karim]) {
      await expect.poll(() => page.getByTestId('call-ended').getAttribute('data-outcome')).toBe('completed');
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
    await anne.getByTestId('call-start').click();
    await karim.getByTestId('incoming-call').waitFor();
    await karim.getByTestId('call-decline').click();
    await expect.poll(() => anne.getByTestId('call-ended').getAttribute('data-outcome')).toBe('declined');
    expect(await anne.getByTestId('call-ended').textContent()).toContain('Appel refusé');
    await anne.getByTestId('call-ended-close').click();
  });

  it('ends an unanswered call as missed on both sides and leaves "Appel manqué" in the conversation', async () => {
    await anne.getByTestId('call-start').click();
    await karim.getByTestId('incoming-call').waitFor();
    for (const page of [anne, karim]) {
      await expect.poll(() => page.getByTestId('call-ended').getAttribute('data-outcome'), { timeout: 15_000 }).toBe('missed');
    }
    expect(await anne.getByTestId('call-ended').textContent()).toContain('Pas de réponse');
    expect(await karim.getByTestId('incoming-call').count()).toBe(0);
    for (const page of [anne, karim]) {
      await expect.poll(() => page.getByTestId('system-message').last().textContent(), { timeout: 15_000 }).toContain('Appel manqué');
    }
  });

  it('explains a refused camera in French and offers to continue with audio only', async () => {
    const denied = await signIn('dr.martin', { denyCamera: true });
    await openConversation(denied);
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
