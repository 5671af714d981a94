import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/server/demo-seed.ts';
import { useE2eStack } from './fixture.ts';
import { openConversation, openSignedInPage } from './page-steps.ts';
import { apiAs, directConversation, sendAs } from './server-steps.ts';
import { swRequest } from './sw-steps.ts';

/** The Redis DB index this file owns. */
const DB = 23;
const SHOTS = '/tmp/relais-shots';

/**
 * Remote wipe: an admin disables a nurse who is signed in on a ward tablet. Her sockets close at
 * once; the tablet learns why at that contact, erases her local store (messages, outbox, private
 * caches) and shows the sign-in screen saying why — on a tablet and on a phone.
 */
describe('remote wipe, in Chromium', () => {
  const e2e = useE2eStack({ db: DB });

  const databases = (page: Page): Promise<string[]> => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
  const privateCaches = (page: Page): Promise<string[]> =>
    page.evaluate(async () => (await caches.keys()).filter((name) => name.startsWith('relais-private')));

  for (const viewport of [
    { width: 1180, height: 820, who: 'inf.dubois', peer: 'dr.martin', peerName: 'Dubois' },
    { width: 390, height: 844, who: 'sec.leroy', peer: 'dr.martin', peerName: 'Leroy' },
  ]) {
    it(`wipes a disabled user's store on a ${viewport.width}×${viewport.height} screen and says why`, async () => {
      const { stack } = e2e;
      const conversation = await directConversation(stack, viewport.peer, viewport.peerName);
      await sendAs(stack, viewport.peer, conversation, 'Résultats confidentiels du bilan');
      const context = await e2e.newContext({ viewport: { width: viewport.width, height: viewport.height } });
      const page = await openSignedInPage(context, viewport.who);
      const me = (await swRequest<{ user: { id: string } }>(page, 'session.get')).user;
      await openConversation(page, conversation);
      await expect.poll(() => page.getByTestId('chat-window').textContent()).toContain('Résultats confidentiels');
      await page.evaluate(async () => {
        // A private cache as attachments use: the wipe drops it too.
        await (await caches.open('relais-private-files')).put('/api/attachments/x', new Response('x'));
      });
      expect(await databases(page)).toContain(`relais-${me.id}`);

      const admin = await apiAs(stack, 'admin');
      expect((await admin.request('POST', `/api/admin/users/${me.id}/disable`)).status).toBe(204);

      // No reload, no click: the closed socket makes the tablet ask, and it wipes.
      const notice = page.getByTestId('login-wiped');
      await notice.waitFor({ timeout: 15_000 });
      expect(await notice.textContent()).toContain('désactivé ou supprimé');
      await page.getByTestId('login-username').waitFor();
      // Nothing of hers stays on screen, not even her username for the next person.
      expect(await page.getByTestId('login-username').inputValue()).toBe('');
      expect(await page.locator('body').textContent()).not.toContain('Résultats confidentiels');
      await expect.poll(() => databases(page)).not.toContain(`relais-${me.id}`);
      expect(await privateCaches(page)).toEqual([]);
      // The notice fits the screen: nothing wider than the viewport.
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}/remote-wipe-${viewport.width}.png` });

      // A reload shows nothing of her either, and her old password no longer opens the account.
      await page.reload();
      await page.getByTestId('login-username').waitFor();
      await page.getByTestId('login-username').fill(viewport.who);
      await page.getByTestId('login-password').fill(DEMO_PASSWORD);
      await page.getByTestId('login-submit').click();
      await expect.poll(() => page.getByRole('alert').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('désactivé')]));
      expect(await databases(page)).not.toContain(`relais-${me.id}`);
    });
  }
});
