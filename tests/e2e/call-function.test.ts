import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FunctionsReply } from '../../src/shared/oncall.ts';
import { acceptCall, CALL_CHROMIUM_FLAGS, expectVideoFlowingBothWays, hangUp } from './call-choreography.ts';
import { ROOT } from '../integration/helpers.ts';
import { useE2eStack } from './fixture.ts';
import { measureLayout } from './layout-steps.ts';
import { openSignedInPage } from './page-steps.ts';
import { apiAs } from './server-steps.ts';

/** The Redis DB index this file owns. */
const DB = 36;
const SHOTS = '/tmp/shots-callfn';
/** The ringing screens (the holder's prompt, the caller's window) at phone and tablet width. */
const RINGING_SHOTS = '/tmp/shots-ringfn';
const SIZES = [
  { width: 390, height: 844 },
  { width: 1180, height: 820 },
] as const;
const DUTY = 'Médecin de garde — Médecine';

/** axe-core's violations (WCAG 2.2 AA and best practices) on the page as it stands. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: resolve(ROOT, 'node_modules/axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<AxeResults> } }).axe;
    const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'];
    const results = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** True when the element's text shows whole: nothing cut by an ellipsis or hidden by overflow. */
async function shownWhole(page: Page, testId: string): Promise<boolean> {
  return page.getByTestId(testId).evaluate((element) => element.scrollWidth <= element.clientWidth && element.scrollHeight <= element.clientHeight);
}

/**
 * Calling a function, in Chromium with the real service worker and fake camera: the nurse, from her
 * phone, calls "Médecin de garde — Médecine" from the New conversation dialog; the gateway rings the
 * doctor who holds it now by the rota, her screen names the function and that doctor, the doctor
 * answers on the ward's tablet and video flows both ways; the call's line names who answered.
 */
describe('calling "Médecin de garde — Médecine"', () => {
  const e2e = useE2eStack({ db: DB, chromiumArgs: CALL_CHROMIUM_FLAGS });

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    await mkdir(RINGING_SHOTS, { recursive: true });
  });

  it('rings the doctor holding it now, who answers: video decoded both ways, the line names them', async () => {
    const nurseApi = await apiAs(e2e.stack, 'inf.dubois');
    const listed = (await nurseApi.request('GET', '/api/functions')).body as FunctionsReply;
    const holderName = listed.functions.find((f) => f.name === DUTY)?.holder?.displayName ?? '';
    expect(holderName).toMatch(/^Dr /);
    const holderUsername = holderName === 'Dr Anne Martin' ? 'dr.martin' : 'dr.benali';

    const doctor = await openSignedInPage(await e2e.newContext({ viewport: { width: 1180, height: 820 } }), holderUsername);
    // The CSP allows no inline script, and axe is one (bypassCSP).
    const phone = await openSignedInPage(await e2e.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true }), 'inf.dubois');

    // The picker: each function with a call button beside it, named for the function.
    await phone.getByTestId('new-conversation').click();
    const picker = phone.getByTestId('function-picker');
    const callButton = picker.getByRole('button', { name: `Appeler ${DUTY}`, exact: true });
    await callButton.waitFor();
    for (const size of [{ width: 390, height: 844 }, { width: 1180, height: 820 }]) {
      await phone.setViewportSize(size);
      const box = await callButton.boundingBox();
      expect(box!.width).toBeGreaterThanOrEqual(44);
      expect(box!.height).toBeGreaterThanOrEqual(44);
      expect((await measureLayout(phone)).overflow).toBeLessThanOrEqual(0);
      await phone.screenshot({ path: `${SHOTS}/picker-${size.width}.png` });
    }
    await phone.setViewportSize({ width: 390, height: 844 });
    expect(await axeViolations(phone)).toEqual([]);

    // The call: it rings the holder, whose prompt says the call is for the function (the gateway's
    // name for it), whole at phone and tablet width; the nurse's screen names the function and who holds it.
    await callButton.click();
    await doctor.getByTestId('incoming-call').waitFor({ timeout: 20_000 });
    expect(await doctor.getByTestId('incoming-caller').textContent()).toBe('Claire Dubois vous appelle');
    const forFunction = doctor.getByTestId('incoming-function');
    expect(await forFunction.isVisible()).toBe(true);
    expect(await forFunction.textContent()).toBe(`Appel pour ${DUTY}`);
    expect(await doctor.getByRole('alertdialog', { name: 'Appel vidéo entrant' }).getAttribute('aria-describedby')).toBe('call-incoming-caller call-incoming-function');
    for (const size of SIZES) {
      await doctor.setViewportSize(size);
      const layout = await measureLayout(doctor);
      expect(layout.overflow).toBeLessThanOrEqual(0);
      expect(layout.small).toEqual([]);
      expect(layout.outside).toEqual([]);
      expect(await shownWhole(doctor, 'incoming-caller')).toBe(true);
      expect(await shownWhole(doctor, 'incoming-function')).toBe(true);
      await doctor.screenshot({ path: `${RINGING_SHOTS}/holder-ringing-${size.width}.png` });
    }
    await doctor.setViewportSize({ width: 1180, height: 820 });
    const status = phone.getByTestId('call-status');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe(`Ça sonne chez ${DUTY} · ${holderName}…`);
    expect(phone.url()).toMatch(/\/c\/[0-9a-f-]{36}$/);
    // The caller's title bar names the function and the holder whole (wrapped, never cut with "…").
    const title = phone.locator('.call-window__name');
    expect(await title.textContent()).toBe(`${DUTY} · ${holderName}`);
    for (const size of SIZES) {
      await phone.setViewportSize(size);
      const layout = await measureLayout(phone);
      expect(layout.overflow).toBeLessThanOrEqual(0);
      expect(layout.small).toEqual([]);
      expect(await title.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
      expect(await shownWhole(phone, 'call-status')).toBe(true);
      await phone.screenshot({ path: `${SHOTS}/ringing-${size.width}.png` });
      await phone.screenshot({ path: `${RINGING_SHOTS}/caller-ringing-${size.width}.png` });
    }
    await phone.setViewportSize({ width: 390, height: 844 });

    const call = { caller: phone, callee: doctor };
    await acceptCall(call);
    await expectVideoFlowingBothWays(call);
    await hangUp(phone, call);

    // The conversation's line: who answered for the function.
    await phone.getByTestId('call-ended-close').click();
    const line = phone.locator('[data-testid="system-message"][data-event="call.ended"]').last().getByTestId('system-text');
    await expect.poll(async () => ((await line.textContent({ timeout: 15_000 })) ?? '').replace(/[\u00a0\u202f]/g, ' '), { timeout: 15_000 }).toMatch(
      new RegExp(`^Appel vidéo à ${holderName} · (\\d+ min )?\\d+ s$`),
    );
  });
});
