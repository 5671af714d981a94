import { mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { acceptCall, CALL_CHROMIUM_FLAGS, expectCallEnded, hangUp, placeCall, type CallPair } from './call-choreography.ts';
import { useE2eStack } from './fixture.ts';
import { openConversation, openSignedInPage, startConversationWith } from './page-steps.ts';

/** The Redis DB index this file owns. */
const DB = 25;
const SHOTS = '/tmp/shots-calls';

/**
 * A phone, a clinic tablet in landscape, the same tablet in portrait — each with another of the
 * app's modal dialogs open on the callee's side when the call rings: the button that opens it, and
 * the dialog.
 */
const PHONE = { width: 390, height: 844 };
const CASES = [
  { viewport: PHONE, dialog: 'settings', opener: '[data-testid="open-settings"]', selector: '[data-testid="settings-panel"]' },
  { viewport: { width: 1180, height: 820 }, dialog: 'new-conversation', opener: '[data-testid="new-conversation"]', selector: 'dialog:has([data-testid="user-search"])' },
  { viewport: { width: 820, height: 1180 }, dialog: 'notifications', opener: '[data-testid="notifications-button"]', selector: '[data-testid="notification-center"]' },
];

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface CallLayout {
  viewport: { width: number; height: number };
  remote: Box;
  self: Box;
  controls: (Box & { name: string })[];
  /** What the point at the remote video's centre shows (its test id, or the tag of what covers it). */
  atRemoteCentre: string;
  overflow: number;
}

/** Where the call window put things, as the page lays them out. */
function callLayout(page: Page): Promise<CallLayout> {
  return page.evaluate(() => {
    const box = (element: Element): Box => {
      const { x, y, width, height } = element.getBoundingClientRect();
      return { x, y, width, height };
    };
    const byTestId = (id: string): Element => {
      const element = document.querySelector(`[data-testid="${id}"]`);
      if (!element) throw new Error(`no ${id}`);
      return element;
    };
    const remote = box(byTestId('remote-video'));
    const hit = document.elementFromPoint(remote.x + remote.width / 2, remote.y + remote.height / 2);
    const callWindow = byTestId('video-call-window');
    return {
      viewport: { width: window.innerWidth, height: window.innerHeight },
      remote,
      self: box(byTestId('local-video')),
      controls: [...byTestId('call-controls').querySelectorAll('button')].map((button) => ({ ...box(button), name: (button.getAttribute('aria-label') ?? button.textContent ?? '').trim() })),
      atRemoteCentre: hit?.getAttribute('data-testid') ?? hit?.tagName ?? 'nothing',
      overflow: Math.max(document.documentElement.scrollWidth - document.documentElement.clientWidth, callWindow.scrollWidth - callWindow.clientWidth),
    };
  });
}

const area = (box: Box): number => Math.max(0, box.width) * Math.max(0, box.height);

function union(boxes: Box[]): Box {
  const left = Math.min(...boxes.map((b) => b.x));
  const top = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

function intersection(a: Box, b: Box): Box {
  const left = Math.max(a.x, b.x);
  const top = Math.max(a.y, b.y);
  return { x: left, y: top, width: Math.min(a.x + a.width, b.x + b.width) - left, height: Math.min(a.y + a.height, b.y + b.height) - top };
}

/**
 * The other person stays visible: the controls (all of them, as one box) cover under a quarter of the
 * remote video, which itself fills at least half the screen — what is left once a bar above and a bar
 * below take their strips (a phone held upright included); the self view is small, in a corner, off
 * the controls; every control is a finger's size with a name; nothing is wider than the screen.
 */
function expectRemoteVisible(layout: CallLayout, label: string): void {
  const controls = union(layout.controls);
  expect(area(intersection(controls, layout.remote)) / area(layout.remote), `${label}: controls over the remote video`).toBeLessThan(0.25);
  expect(area(layout.remote) / (layout.viewport.width * layout.viewport.height), `${label}: remote video share of the screen`).toBeGreaterThanOrEqual(0.5);
  expect(layout.atRemoteCentre, `${label}: what shows at the remote video's centre`).toBe('remote-video');
  expect(area(intersection(layout.self, controls)), `${label}: self view over the controls`).toBe(0);
  expect(area(layout.self) / area(layout.remote), `${label}: self view size`).toBeLessThan(0.15);
  expect(area(intersection(layout.self, layout.remote)), `${label}: self view inside the stage`).toBe(area(layout.self));
  expect(layout.controls.map((control) => control.name)).toEqual(['Couper le micro', 'Couper la caméra', 'Raccrocher']);
  for (const control of layout.controls) {
    expect(Math.min(control.width, control.height), `${label}: ${control.name}`).toBeGreaterThanOrEqual(44);
  }
  expect(layout.overflow, `${label}: horizontal overflow`).toBeLessThanOrEqual(0);
}

describe('the call screen on a phone and on a tablet', () => {
  const e2e = useE2eStack({ db: DB, chromiumArgs: CALL_CHROMIUM_FLAGS });
  let conversationId = '';
  let anne: Page;
  let karim: Page;
  let call: CallPair;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    anne = await openSignedInPage(await e2e.newContext(), 'dr.martin');
    karim = await openSignedInPage(await e2e.newContext(), 'dr.benali');
    conversationId = await startConversationWith(anne, 'benali');
    call = { caller: anne, callee: karim };
  });

  for (const { viewport, dialog, opener, selector } of CASES) {
    const size = `${viewport.width}x${viewport.height}`;

    it(`at ${size}: the call is answered over the open ${dialog} dialog, and the other person stays in view`, async () => {
      await anne.setViewportSize(viewport);
      await karim.setViewportSize(viewport);
      await openConversation(anne, conversationId);
      await karim.goto('/');
      await karim.getByTestId('conversation-list').waitFor();
      // On a phone the settings are behind the app bar's menu.
      if (!(await karim.locator(opener).isVisible())) await karim.getByTestId('open-menu').click();
      await karim.locator(opener).click();
      const underneath = karim.locator(selector);
      await underneath.waitFor();
      expect(await underneath.evaluate((element) => element.matches(':modal'))).toBe(true);

      await placeCall(call);
      const incoming = karim.getByTestId('incoming-call');
      // The ringing prompt is the topmost modal dialog, above the other one (still open), and has the focus.
      expect(await incoming.evaluate((dialog) => dialog.matches(':modal'))).toBe(true);
      expect(await underneath.evaluate((element: HTMLDialogElement) => element.open)).toBe(true);
      expect(await karim.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('call-accept');
      expect(await karim.getByTestId('call-accept').textContent()).toBe('Répondre');
      const accept = await karim.getByTestId('call-accept').boundingBox();
      if (!accept) throw new Error('no accept button box');
      expect(Math.min(accept.width, accept.height)).toBeGreaterThanOrEqual(44);
      expect(
        await karim.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.getAttribute('data-testid'), { x: accept.x + accept.width / 2, y: accept.y + accept.height / 2 }),
      ).toBe('call-accept');
      expect(await karim.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
      await karim.screenshot({ path: `${SHOTS}/incoming-over-${dialog}-${size}.png` });
      // Escape does not dismiss a ringing call.
      await karim.keyboard.press('Escape');
      await karim.keyboard.press('Escape');
      await karim.keyboard.press('Escape');
      expect(await incoming.evaluate((dialog) => dialog.matches(':modal'))).toBe(true);
      expect(await underneath.evaluate((element: HTMLDialogElement) => element.open)).toBe(true);

      // A real click (Playwright refuses it if anything else would take the tap), with the dialog open.
      await acceptCall(call);
      await expect.poll(() => karim.getByTestId('remote-video').evaluate((video: HTMLVideoElement) => video.videoWidth), { timeout: 15_000 }).toBeGreaterThan(0);
      await expect.poll(() => anne.getByTestId('remote-video').evaluate((video: HTMLVideoElement) => video.videoWidth), { timeout: 15_000 }).toBeGreaterThan(0);
      for (const [who, page] of [
        ['callee', karim],
        ['caller', anne],
      ] as const) {
        expectRemoteVisible(await callLayout(page), `${who} at ${size}`);
        await page.screenshot({ path: `${SHOTS}/connected-${who}-${size}.png` });
      }

      await hangUp(anne, call);
      await karim.screenshot({ path: `${SHOTS}/ended-over-${dialog}-${size}.png` });
      for (const page of [anne, karim]) await page.getByTestId('call-ended-close').click();
      // The dialog is back, live, with the focus in it.
      await expect.poll(() => karim.evaluate((open) => document.activeElement?.closest(open) !== null, selector)).toBe(true);
      await karim.keyboard.press('Escape');
      await underneath.waitFor({ state: 'detached' });
    });
  }

  it('declines a call over the open settings on a phone, and leaves the settings as they were', async () => {
    for (const page of [anne, karim]) await page.setViewportSize(PHONE);
    await openConversation(anne, conversationId);
    await karim.goto('/');
    await karim.getByTestId('open-menu').click();
    await karim.getByTestId('open-settings').click();
    const settings = karim.getByTestId('settings-panel');
    await settings.waitFor();
    const retention = settings.getByTestId('settings-messagesDays');
    await retention.fill('12');

    await placeCall(call);
    await karim.getByTestId('call-decline').click();
    await expectCallEnded([anne], 'declined');
    await expectCallEnded([karim], 'declined');
    await karim.getByTestId('call-ended-close').click();
    await anne.getByTestId('call-ended-close').click();
    // Still open, with what was being typed, and the focus back in it.
    expect(await retention.inputValue()).toBe('12');
    await expect.poll(() => karim.evaluate(() => document.activeElement?.closest('[data-testid="settings-panel"]') !== null)).toBe(true);
    await karim.keyboard.press('Escape');
    await settings.waitFor({ state: 'detached' });
  });
});
