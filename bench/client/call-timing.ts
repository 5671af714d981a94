import type { Page } from 'playwright-core';
import { launchChromium } from '../../tests/e2e/browser.ts';

/*
 * A video call between two tablets of the built app (two browser contexts of one Chromium with fake
 * camera and microphone, loopback ICE): "accept" tapped on the callee's side → first remote video
 * frame presented there, timed in the callee's page from the click's timestamp to the
 * requestVideoFrameCallback of the remote <video> (its `presentationTime`: the frame was decoded and
 * handed to the compositor).
 */

/** Fake camera and microphone, permission granted, loopback ICE (the flags of tests/e2e/calls-video.test.ts). */
const CALL_FLAGS = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];

/** Arms, in the callee's page, the timer that the accept click starts and the first remote frame stops. */
function armAcceptTimer(page: Page): Promise<void> {
  return page.evaluate(() => {
    const box = globalThis as unknown as { relaisAccept?: Promise<number> };
    box.relaisAccept = new Promise((resolve) => {
      let clickAt = Number.NaN;
      document.addEventListener(
        'click',
        (event) => {
          if ((event.target as Element | null)?.closest('[data-testid="call-accept"]')) clickAt = event.timeStamp;
        },
        { capture: true },
      );
      // No named functions in here: the bench runs through tsx, whose helpers do not exist in the page.
      const observer = new MutationObserver(() => {
        const video = document.querySelector<HTMLVideoElement>('video[data-testid="remote-video"]');
        if (!video) return;
        observer.disconnect();
        video.requestVideoFrameCallback((_now, frame) => resolve(frame.presentationTime - clickAt));
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
  });
}

async function signIn(page: Page, username: string, password: string, conversationId: string): Promise<void> {
  await page.goto('/');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.locator(`[data-testid="conversation-row"][data-conversation-id="${conversationId}"]`).click();
  await page.getByTestId('chat-window').waitFor();
}

/**
 * `reps` calls from `caller` to `callee` in their conversation, each hung up before the next; the
 * CPU is throttled `throttle`× in both pages (1: not throttled). Answers each run's time (ms).
 */
export async function runCallTimings(options: {
  origin: string;
  caller: string;
  callee: string;
  password: string;
  conversationId: string;
  reps: number;
  throttle: number;
}): Promise<number[]> {
  const browser = await launchChromium(CALL_FLAGS);
  try {
    const pages: Page[] = [];
    for (const username of [options.caller, options.callee]) {
      const context = await browser.newContext({ baseURL: options.origin, locale: 'fr-FR', viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await signIn(page, username, options.password, options.conversationId);
      if (options.throttle > 1) await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: options.throttle });
      pages.push(page);
    }
    const [caller, callee] = pages as [Page, Page];
    const runs: number[] = [];
    for (let rep = 0; rep < options.reps; rep++) {
      await armAcceptTimer(callee);
      await caller.getByTestId('call-start').click();
      await callee.getByTestId('call-accept').click();
      runs.push(await callee.evaluate(() => (globalThis as unknown as { relaisAccept: Promise<number> }).relaisAccept));
      await callee.getByTestId('call-hangup').click();
      for (const page of pages) await page.getByTestId('call-ended-close').click();
    }
    return runs;
  } finally {
    await browser.close();
  }
}
