import { expect } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { openConversation, signIn } from './page-steps.ts';

/**
 * The steps of a video call between two signed-in pages, each on the same conversation:
 *
 *   placeCall ──▶ callee rings ──acceptCall──▶ both active, video decoded ──hangUp──▶ both ended
 *                              └─(decline, or no answer before the ring timeout)──▶ ended
 */

/** Fake camera and microphone, permission granted, loopback ICE (no STUN). */
export const CALL_CHROMIUM_FLAGS = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];

/** The two sides of a call. */
export interface CallPair {
  caller: Page;
  callee: Page;
}

/** Makes every getUserMedia of `context` fail as a refused permission does. */
export async function refuseCamera(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
}

/** The caller presses the call button; answers once the callee's incoming call shows. */
export async function placeCall({ caller, callee }: CallPair): Promise<void> {
  await caller.getByTestId('call-start').click();
  await callee.getByTestId('incoming-call').waitFor();
}

/** The callee accepts; both call windows become active and decode frames of the other's video. */
export async function acceptCall({ caller, callee }: CallPair): Promise<void> {
  await callee.getByTestId('call-accept').click();
  for (const page of [caller, callee]) {
    await expect.poll(() => page.getByTestId('video-call-window').getAttribute('data-phase'), { timeout: 15_000 }).toBe('active');
    await expect.poll(async () => (await inboundVideo(page)).frames, { timeout: 15_000 }).toBeGreaterThan(0);
  }
}

/** Inbound bytes and decoded frames, as the call window's quality indicator read them from getStats(). */
export async function inboundVideo(page: Page): Promise<{ bytes: number; frames: number }> {
  const indicator = page.getByTestId('call-quality');
  return {
    bytes: Number(await indicator.getAttribute('data-bytes-received')),
    frames: Number(await indicator.getAttribute('data-frames-decoded')),
  };
}

/** Two samples apart, on both sides: bytes keep arriving and frames keep being decoded. */
export async function expectVideoFlowingBothWays({ caller, callee }: CallPair): Promise<void> {
  const before = { caller: await inboundVideo(caller), callee: await inboundVideo(callee) };
  for (const [page, first] of [[caller, before.caller], [callee, before.callee]] as const) {
    await expect.poll(async () => (await inboundVideo(page)).bytes, { timeout: 10_000 }).toBeGreaterThan(first.bytes);
    await expect.poll(async () => (await inboundVideo(page)).frames, { timeout: 10_000 }).toBeGreaterThan(first.frames);
  }
}

/** `page` hangs up; both sides show the call ended as completed. */
export async function hangUp(page: Page, pair: CallPair): Promise<void> {
  await page.getByTestId('call-hangup').click();
  await expectCallEnded([pair.caller, pair.callee], 'completed');
}

/** Each page shows the end-of-call panel with `outcome`. */
export async function expectCallEnded(pages: Page[], outcome: 'completed' | 'declined' | 'missed', options: { timeout?: number } = {}): Promise<void> {
  for (const page of pages) {
    await expect.poll(() => page.getByTestId('call-ended').getAttribute('data-outcome'), options).toBe(outcome);
  }
}

/** A new page of `context`, signed in as `username`, on `conversationId`, pressing the call button: the caller's side of a call. */
export async function callFrom(context: BrowserContext, username: string, conversationId: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto('/');
  await signIn(page, username);
  await openConversation(page, conversationId);
  await page.getByTestId('call-start').click();
  return page;
}
