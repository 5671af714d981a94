import { resolve } from 'node:path';
import type { AxeResults, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/demo-seed.ts';
import { ROOT } from '../integration/helpers.ts';
import { acceptCall, CALL_CHROMIUM_FLAGS, hangUp, placeCall } from './call-choreography.ts';
import { seedClinicScene, type ClinicScene } from './demo-scene.ts';
import { useE2eStack } from './fixture.ts';
import { openConversation, openSignedInPage } from './page-steps.ts';

/** The Redis DB index this file owns. */
const DB = 30;
const AXE = resolve(ROOT, 'node_modules/axe-core/axe.min.js');

/** A phone held upright, a clinic tablet upright, the same tablet in landscape. */
const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 820, height: 1180 },
  { width: 1180, height: 820 },
] as const;

const AXE_OPTIONS: RunOptions = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'] },
  resultTypes: ['violations'],
  // Contrast included (this run is the light theme; tests/e2e/themes.test.ts also runs it in the dark one).
};

/** One rule broken somewhere on a screen, with where (axe's CSS selectors) — what a fix needs. */
interface Violation {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/** axe-core's violations on `page` as it stands (axe injected once per document). */
async function violationsOn(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  // Bounded: a page that stops answering fails this screen with its name, not the whole file's timeout.
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error('axe-core did not answer within 30 s')), 30_000);
  });
  const run = page.evaluate(async (options) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<AxeResults> } }).axe;
    const results = await axe.run(document, options);
    return results.violations.map((violation) => ({
      rule: violation.id,
      impact: violation.impact ?? '',
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.map(String).join(' ')),
    }));
  }, AXE_OPTIONS);
  run.catch(() => undefined); // once the bound has failed the screen, a late rejection is no news
  try {
    return await Promise.race([run, silent]);
  } finally {
    clearTimeout(timer);
  }
}

/** Two frames, and every transition over: the layout of the new viewport is done before axe reads it. */
const settled = (page: Page): Promise<void> =>
  page.evaluate(async () => {
    // Two frames — or 500 ms, should the page not be painting (a frame is not promised to a window
    // the compositor is not drawing; an unbounded wait here once hung a whole CI run).
    const frames = new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
    await Promise.race([frames, new Promise((done) => setTimeout(done, 500))]);
    // Colours read in the middle of a transition are neither the old nor the new ones.
    // (A ringing pulse repeats for ever: only the ones that end; and a paused one never finishes, so
    // the wait is bounded — the app's transitions last 150 ms.)
    const ending = document.getAnimations().filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity);
    const over = Promise.all(ending.map((animation) => animation.finished.catch(() => undefined)));
    await Promise.race([over, new Promise((done) => setTimeout(done, 1_000))]);
  });

/**
 * Runs axe on `page` at each viewport (before each run, `prepare` puts the screen back in the state
 * under test when the width changed it) and asserts none found anything; the message lists every
 * rule with its selectors.
 */
async function expectAccessible(page: Page, screen: string, prepare: (viewport: { width: number; height: number }) => Promise<void> = async () => {}): Promise<void> {
  const found: (Violation & { viewport: string })[] = [];
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await settled(page);
    await prepare(viewport);
    await settled(page);
    for (const violation of await violationsOn(page)) found.push({ viewport: `${viewport.width}x${viewport.height}`, ...violation });
  }
  const report = found.map((v) => `[${v.viewport}] ${v.rule} (${v.impact}): ${v.help}\n    ${v.targets.join('\n    ')}`).join('\n');
  expect(found, `axe-core on ${screen}:\n${report}`).toEqual([]);
}

/** Clicks a button of the app bar, behind its "Menu" on narrow screens. */
async function fromAppBar(page: Page, testId: string): Promise<void> {
  if (!(await page.getByTestId(testId).isVisible())) await page.getByTestId('open-menu').click();
  await page.getByTestId(testId).click();
}

describe('axe-core finds nothing on the main screens, on a phone and a tablet both ways', () => {
  // Fake camera and microphone for the call; the CSP allows no inline script, axe is one (bypassCSP).
  const e2e = useE2eStack({ db: DB, chromiumArgs: CALL_CHROMIUM_FLAGS });
  let scene: ClinicScene;
  let doctor: Page;

  beforeAll(async () => {
    scene = await seedClinicScene(e2e.stack);
    doctor = await openSignedInPage(await e2e.newContext({ bypassCSP: true }), 'dr.martin');
  });

  it('sign-in', async () => {
    const page = await (await e2e.newContext({ bypassCSP: true })).newPage();
    await page.goto('/');
    await page.getByTestId('login-username').waitFor();
    await expectAccessible(page, 'sign-in');
    await page.getByTestId('login-activate').click();
    await page.getByTestId('activate-username').waitFor();
    await expectAccessible(page, 'account activation');
  });

  it('conversation list, and the app bar menu', async () => {
    await doctor.goto('/');
    await doctor.getByTestId('conversation-list').waitFor();
    await expect.poll(() => doctor.getByTestId('conversation-row').count()).toBeGreaterThanOrEqual(3);
    await expectAccessible(doctor, 'the conversation list');
    await expectAccessible(doctor, 'the app bar menu, open', async () => {
      const toggle = doctor.getByTestId('open-menu');
      if (!(await toggle.isVisible())) {
        // The actions sit in the bar: the panel opened on the narrower screen has closed.
        expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      } else if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    });
    await doctor.keyboard.press('Escape');
  });

  it('a conversation with my messages and others’, an urgent one, a PDF and a system line', async () => {
    await openConversation(doctor, scene.groupId);
    await doctor.getByTestId('urgent-badge').waitFor();
    await doctor.getByTestId('attachment').first().waitFor();
    await doctor.getByTestId('system-message').first().waitFor();
    await expectAccessible(doctor, 'a group conversation');
    await doctor.getByTestId('conversation-menu').locator('summary').click();
    await doctor.getByTestId('manage-group').waitFor();
    await expectAccessible(doctor, 'the conversation’s actions menu, open');
    await doctor.getByTestId('manage-group').click();
    await doctor.getByTestId('group-panel').waitFor();
    await expectAccessible(doctor, 'the group panel');
    await doctor.keyboard.press('Escape');
    await doctor.getByTestId('group-panel').waitFor({ state: 'hidden' });

    // The in-app confirmation (never the browser's confirm()), then the file viewer. The actions
    // menu may still be open behind the group panel.
    if (!(await doctor.getByTestId('hide').isVisible())) await doctor.getByTestId('conversation-menu').locator('summary').click();
    await doctor.getByTestId('hide').click();
    await doctor.getByRole('alertdialog').waitFor();
    await expectAccessible(doctor, 'a confirmation');
    await doctor.keyboard.press('Escape');
    await doctor.getByRole('alertdialog').waitFor({ state: 'hidden' });
    await doctor.getByTestId('attachment').first().click();
    await doctor.getByTestId('file-viewer').waitFor();
    await expectAccessible(doctor, 'the file viewer');
    // A PDF: the keyboard may be in its frame, so the close button.
    await doctor.getByTestId('viewer-close').click();
    await doctor.getByTestId('file-viewer').waitFor({ state: 'hidden' });
  });

  it('search, and my availability status', async () => {
    await doctor.goto('/');
    await doctor.getByTestId('conversation-list').waitFor();
    await doctor.getByTestId('open-search').click();
    await doctor.getByTestId('search-input').fill('chambre');
    await doctor.getByTestId('search-hit').first().waitFor();
    await expectAccessible(doctor, 'search with results');
    await doctor.goto('/');
    await doctor.getByTestId('conversation-list').waitFor();
    await fromAppBar(doctor, 'open-status');
    await doctor.getByTestId('status-dialog').waitFor();
    await expectAccessible(doctor, 'the status dialog');
    await doctor.keyboard.press('Escape');
  });

  it('the new conversation dialog, with search results', async () => {
    await doctor.goto('/');
    await doctor.getByTestId('new-conversation').click();
    await doctor.getByTestId('user-search').fill('d');
    await expect.poll(() => doctor.getByTestId('user-result').count()).toBeGreaterThanOrEqual(2);
    await doctor.getByTestId('user-result').first().click();
    await expectAccessible(doctor, 'the new conversation dialog');
    await doctor.keyboard.press('Escape');
  });

  it('settings (Réglages), with the two-step verification enrolment', async () => {
    await doctor.goto('/');
    await doctor.getByTestId('conversation-list').waitFor();
    await fromAppBar(doctor, 'open-settings');
    await doctor.getByTestId('settings-panel').waitFor();
    await doctor.getByTestId('two-factor-enable').waitFor();
    await expectAccessible(doctor, 'settings');
    await doctor.getByTestId('two-factor-enable').click();
    await doctor.getByTestId('two-factor-qr').waitFor();
    await expectAccessible(doctor, 'settings, two-step verification enrolment');
    await doctor.keyboard.press('Escape');
  });

  it('the notifications centre', async () => {
    await doctor.goto('/');
    await doctor.getByTestId('conversation-list').waitFor();
    await doctor.getByTestId('notifications-button').click();
    await doctor.getByTestId('notification-center').waitFor();
    await expectAccessible(doctor, 'the notifications centre');
    await doctor.keyboard.press('Escape');
  });

  it('the statistics', async () => {
    await doctor.goto('/');
    await doctor.getByTestId('conversation-list').waitFor();
    await doctor.getByTestId('open-stats').click();
    await doctor.getByTestId('stat-row').first().waitFor();
    await expectAccessible(doctor, 'the statistics', async () => {
      // On a phone, the panel may be folded away by the list's layout: open it again if so.
      if (!(await doctor.getByTestId('stats-panel').isVisible())) await doctor.getByTestId('open-stats').click();
    });
  });

  it('an active video call, on both sides', async () => {
    const karim = await openSignedInPage(await e2e.newContext({ bypassCSP: true }), 'dr.benali');
    await openConversation(doctor, scene.directId);
    const call = { caller: doctor, callee: karim };
    await placeCall(call);
    await expectAccessible(karim, 'the incoming call');
    await acceptCall(call);
    await expectAccessible(doctor, 'the active call (caller)');
    await expectAccessible(karim, 'the active call (callee)');
    await hangUp(doctor, call);
    await expectAccessible(doctor, 'the call ended panel');
    await doctor.getByTestId('call-ended-close').click();
    await karim.getByTestId('call-ended-close').click();
  });

  it('the admin console: users, an account, audit, clinic settings, on-call functions', async () => {
    const admin = await (await e2e.newContext({ bypassCSP: true })).newPage();
    await admin.goto('/');
    await admin.getByTestId('login-username').fill('admin');
    await admin.getByTestId('login-password').fill(DEMO_PASSWORD);
    await admin.getByTestId('login-submit').click();
    await admin.getByTestId('admin-console').waitFor({ timeout: 30_000 });
    await expect.poll(() => admin.getByTestId('admin-user-row').count()).toBeGreaterThanOrEqual(6);
    await expectAccessible(admin, 'admin: users');
    await admin.getByTestId('admin-user-search').fill('dubois');
    await expect.poll(() => admin.getByTestId('admin-user-row').count()).toBe(1);
    await admin.getByTestId('admin-user-open').click();
    await admin.getByTestId('admin-account-panel').waitFor();
    await expectAccessible(admin, 'admin: an account');
    await admin.getByTestId('admin-account-close').click();
    await admin.getByTestId('admin-account-panel').waitFor({ state: 'hidden' });
    await admin.getByTestId('admin-tab-audit').click();
    await admin.getByTestId('audit-search').click();
    await admin.getByTestId('audit-results').locator('tbody tr').first().waitFor();
    await expectAccessible(admin, 'admin: audit');
    await admin.getByTestId('admin-tab-settings').click();
    await admin.getByTestId('clinic-settings-form').waitFor();
    await expectAccessible(admin, 'admin: clinic settings');
    await admin.getByTestId('admin-tab-oncall').click();
    await admin.getByTestId('oncall-row').first().waitFor();
    await expectAccessible(admin, 'admin: on-call functions');
    await admin.getByTestId('oncall-open').first().click();
    await admin.getByTestId('oncall-pattern-form').waitFor();
    await expectAccessible(admin, 'admin: a function’s rota');
  });

  it('the patient’s home', async () => {
    const patient = await openSignedInPage(await e2e.newContext({ bypassCSP: true }), 'patient.moreau');
    await expect.poll(() => patient.getByTestId('care-team-member').count()).toBe(2);
    await expectAccessible(patient, 'the patient’s home');
  });
});
