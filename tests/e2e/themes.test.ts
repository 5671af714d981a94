import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/shared/ids.ts';
import { DEMO_PASSWORD } from '../../src/server/demo-seed.ts';
import { useE2eStack } from './fixture.ts';
import { autoLockFetched, conversationRow, signIn } from './page-steps.ts';
import { apiAs, directConversation } from './server-steps.ts';

/**
 * The two themes and reduced motion, in Chromium: in light and in dark (`prefers-color-scheme`, night
 * shifts), on a phone and a tablet, axe-core's color-contrast rule (WCAG AA) finds nothing on the
 * sign-in screen, the list, a conversation with an urgent message and both kinds of bubbles, and the
 * settings; under `prefers-reduced-motion: reduce` nothing transitions or animates.
 */

/** The Redis DB index this file owns. */
const DB = 29;
const SHOTS = '/tmp/shots-tokens';
const AXE = resolve('node_modules/axe-core/axe.min.js');

const SIZES = [
  { name: 'phone', viewport: { width: 390, height: 844 } },
  { name: 'tablet', viewport: { width: 1180, height: 820 } },
] as const;
/** The page's background in each theme (the `--bg` token): proof the theme is the one asked for. */
const BACKGROUND = { light: 'rgb(244, 247, 249)', dark: 'rgb(15, 26, 31)' } as const;

/**
 * axe-core's color-contrast violations on the page as it is, one line per element; it fails at once
 * when axe found almost no text to check (the screen was not there).
 */
async function contrastProblems(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const { checked, problems } = await page.evaluate(async () => {
    type Nodes = { nodes: { target: string[]; failureSummary?: string }[] }[];
    type Axe = { run(context: Document, options: object): Promise<{ violations: Nodes; passes: Nodes }> };
    const axe = (window as unknown as { axe: Axe }).axe;
    const result = await axe.run(document, { runOnly: ['color-contrast'] });
    return {
      checked: result.passes.reduce((sum, rule) => sum + rule.nodes.length, 0),
      problems: result.violations.flatMap((violation) => violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary ?? ''}`)),
    };
  });
  expect(checked, 'texts whose contrast axe checked').toBeGreaterThanOrEqual(3);
  return problems;
}

describe('light and dark themes, and reduced motion, in Chromium', () => {
  const e2e = useE2eStack({ db: DB });
  let conversationId = '';

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The doctor's urgent message, the nurse's answer, the doctor again: seen by the nurse, an urgent
    // bubble, one of her own and one of someone else's.
    conversationId = await directConversation(e2e.stack, 'dr.martin', 'Dubois');
    const doctor = await apiAs(e2e.stack, 'dr.martin');
    const nurse = await apiAs(e2e.stack, 'inf.dubois');
    const send = async (api: typeof doctor, body: string, urgent = false) => {
      const messageId = newId();
      const [sent] = await api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body, ...(urgent ? { urgent } : {}) } }]);
      expect(sent?.ok).toBe(true);
    };
    await send(doctor, 'Patiente chambre 12 : douleur thoracique, venez vite', true);
    await send(nurse, 'J’arrive, ECG en cours.');
    await send(doctor, 'Merci, je préviens le cardiologue.');
  });

  for (const scheme of ['light', 'dark'] as const) {
    for (const { name, viewport } of SIZES) {
      it(`has no contrast failure in ${scheme} on the ${name}: sign-in, list, urgent conversation, settings`, async () => {
        // The page's CSP allows no inline script: the context lets axe's script tag in (tests only).
        const context = await e2e.newContext({ viewport, colorScheme: scheme, bypassCSP: true });
        const page = await context.newPage();
        await page.goto('/');
        await page.getByTestId('login-username').waitFor();
        expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe(BACKGROUND[scheme]);
        await page.screenshot({ path: `${SHOTS}/${scheme}-${name}-sign-in.png` });
        expect(await contrastProblems(page), 'sign-in').toEqual([]);

        await signIn(page, 'inf.dubois');
        const row = conversationRow(page, conversationId);
        await row.getByTestId('urgent-conversation').waitFor();
        await page.screenshot({ path: `${SHOTS}/${scheme}-${name}-list.png` });
        expect(await contrastProblems(page), 'list').toEqual([]);

        await row.click();
        await page.locator('[data-testid="message"].message--urgent').waitFor();
        await page.locator('[data-testid="message"].message--mine').waitFor();
        await page.getByTestId('message-body').filter({ hasText: 'je préviens le cardiologue' }).waitFor();
        await page.screenshot({ path: `${SHOTS}/${scheme}-${name}-conversation.png` });
        expect(await contrastProblems(page), 'conversation').toEqual([]);

        if (await page.getByTestId('open-menu').isVisible()) await page.getByTestId('open-menu').click();
        await page.getByTestId('open-settings').click();
        await page.getByTestId('settings-panel').waitFor();
        await page.getByTestId('settings-save').and(page.locator(':enabled')).waitFor();
        await page.screenshot({ path: `${SHOTS}/${scheme}-${name}-settings.png` });
        expect(await contrastProblems(page), 'settings').toEqual([]);
        await context.close();
      });
    }
  }

  it('has no contrast failure in dark on the phone: new conversation, notifications, lock screen, patient home, admin console', async () => {
    const dark = async () => e2e.newContext({ viewport: SIZES[0].viewport, colorScheme: 'dark', bypassCSP: true });
    const page = await (await dark()).newPage();
    await page.clock.install();
    const autoLock = autoLockFetched(page);
    await page.goto('/');
    await signIn(page, 'inf.dubois');
    await page.getByTestId('new-conversation').click();
    await page.locator('#new-conversation-title').waitFor();
    await page.screenshot({ path: `${SHOTS}/dark-phone-new-conversation.png` });
    expect(await contrastProblems(page), 'new conversation').toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByTestId('notifications-button').click();
    await page.getByTestId('notification-center').waitFor();
    await page.getByTestId('notification-center').locator('details > summary').click();
    await page.screenshot({ path: `${SHOTS}/dark-phone-notifications.png` });
    expect(await contrastProblems(page), 'notifications').toEqual([]);
    await page.keyboard.press('Escape');
    await autoLock;
    await page.clock.fastForward('10:01');
    await page.getByTestId('lock-screen').waitFor();
    await page.screenshot({ path: `${SHOTS}/dark-phone-lock.png` });
    expect(await contrastProblems(page), 'lock screen').toEqual([]);

    const patient = await (await dark()).newPage();
    await patient.goto('/');
    await signIn(patient, 'patient.moreau');
    await patient.getByTestId('conversation-row').first().waitFor();
    await patient.screenshot({ path: `${SHOTS}/dark-phone-patient-home.png` });
    expect(await contrastProblems(patient), 'patient home').toEqual([]);

    const admin = await (await dark()).newPage();
    await admin.goto('/');
    await admin.getByTestId('login-username').fill('admin');
    await admin.getByTestId('login-password').fill(DEMO_PASSWORD);
    await admin.getByTestId('login-submit').click();
    await admin.getByTestId('admin-console').waitFor({ timeout: 30_000 });
    await expect.poll(() => admin.getByTestId('admin-user-row').count()).toBeGreaterThanOrEqual(6);
    await admin.screenshot({ path: `${SHOTS}/dark-phone-admin.png` });
    expect(await contrastProblems(admin), 'admin console').toEqual([]);
  });

  it('stops transitions and animations under prefers-reduced-motion, and only there', async () => {
    const durations = async (reducedMotion: 'reduce' | 'no-preference') => {
      const context = await e2e.newContext({ viewport: SIZES[0].viewport, reducedMotion });
      const page = await context.newPage();
      await page.goto('/');
      await signIn(page, 'inf.dubois');
      // The app menu fades in; its buttons change colour with a transition.
      await page.getByTestId('open-menu').click();
      const measured = await page.locator('.app-header__more--open').evaluate((menu) => ({
        animation: getComputedStyle(menu).animationDuration,
        transition: getComputedStyle(menu.querySelector('.button') as Element).transitionDuration,
      }));
      await context.close();
      return measured;
    };
    expect(await durations('no-preference')).toEqual({ animation: '0.15s', transition: '0.15s, 0.15s, 0.15s' });
    expect(await durations('reduce')).toEqual({ animation: '0s', transition: '0s' });
  });
});
