import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/server/demo-seed.ts';
import { useE2eStack } from './fixture.ts';
import {
  messagesWithStatus,
  openConversation,
  openSignedInTab,
  sendFromComposer,
  shownBodies,
  signIn,
  visitSignedIn,
  autoLockFetched,
} from './page-steps.ts';
import { directConversation, revokeAllSessions, serverBodies } from './server-steps.ts';
import { DEVICE_E2E_DB } from './stack.ts';
import { swRequest } from './sw-steps.ts';

/** Shared clinic tablets: one user's data never shows to the next, an expired session keeps the outbox, auto-lock. */
describe('a tablet shared by several users', () => {
  const e2e = useE2eStack({ db: DEVICE_E2E_DB });

  const databases = (page: Page): Promise<string[]> =>
    page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? '').sort());
  const pendingCount = (page: Page) => messagesWithStatus(page, 'pending').count();

  it('wipes the user on sign-out after a warning, and the next user sees nothing of them', async () => {
    const { stack } = e2e;
    const tablet = await e2e.openTablet();
    const privateConversation = await directConversation(stack, 'dr.martin', 'dubois');
    const page = await openSignedInTab(tablet.context, 'dr.martin');
    const martin = (await swRequest<{ user: { id: string } }>(page, 'session.get')).user;
    await openConversation(page, privateConversation);
    await sendFromComposer(page, 'Pour Claire seulement : résultat de la biopsie');
    await expect.poll(() => messagesWithStatus(page, 'sent').count()).toBeGreaterThan(0);
    stack.push.refuse = true;
    await sendFromComposer(page, 'Non envoyé : à rappeler');
    await expect.poll(() => pendingCount(page)).toBe(1);
    await page.getByTestId('composer-input').fill('Brouillon privé');
    await page.evaluate(async () => {
      // A private cache as attachments would use: sign-out must drop it too.
      const cache = await caches.open('relais-private-files');
      await cache.put('/private/test', new Response('donnée patient'));
    });
    expect(await databases(page)).toContain(`relais-${martin.id}`);

    // The warning is the app's own dialog, never the browser's.
    const browserDialogs: string[] = [];
    page.on('dialog', (dialog) => {
      browserDialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.getByTestId('logout').click();
    const warning = page.getByRole('alertdialog');
    expect(await warning.innerText()).toContain('pas encore parti');
    await warning.getByTestId('confirm-accept').click();
    await page.getByTestId('login-username').waitFor();
    expect(browserDialogs).toEqual([]);
    expect(await databases(page)).not.toContain(`relais-${martin.id}`);
    expect(await page.evaluate(async () => (await caches.keys()).filter((name) => name.startsWith('relais-private')))).toEqual([]);
    stack.push.refuse = false;

    // The next user on the same tablet (same browser profile).
    await signIn(page, 'dr.benali');
    await page.goto(`/c/${privateConversation}`);
    await page.getByTestId('chat-window').or(page.getByText('introuvable')).first().waitFor();
    const text = await page.locator('body').innerText();
    for (const secret of ['biopsie', 'à rappeler', 'Brouillon privé', 'Claire']) expect(text).not.toContain(secret);
    // The composer shows for any /c/<id> path; it must not bring back the previous user's draft.
    expect(await page.getByTestId('composer-input').inputValue()).toBe('');
    await page.goto('/');
    expect(await page.locator('body').innerText()).not.toContain('biopsie');
    expect((await databases(page)).filter((name) => name !== 'relais-session')).not.toContain(`relais-${martin.id}`);
    await tablet.close();
  });

  it('keeps the outbox of a session that expired offline and sends it when the same user signs in again', async () => {
    const { stack } = e2e;
    const tablet = await e2e.openTablet();
    const conversationId = await directConversation(stack, 'dr.martin', 'benali');
    const page = await openSignedInTab(tablet.context, 'dr.martin');
    await openConversation(page, conversationId);

    tablet.net.goOffline();
    const text = 'Écrit hors ligne, pendant que la session expirait';
    await sendFromComposer(page, text);
    await expect.poll(() => pendingCount(page)).toBe(1);
    await revokeAllSessions(stack);
    tablet.net.restore();
    await page.evaluate(() => window.dispatchEvent(new Event('online')));

    // The SW hears 401: it keeps everything and asks the same user to sign in again.
    await page.getByTestId('login-username').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('login-username').inputValue()).toBe('dr.martin');
    expect(await serverBodies(stack, 'dr.benali', conversationId)).not.toContain(text);

    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('conversation-list').waitFor();
    await expect.poll(() => serverBodies(stack, 'dr.benali', conversationId), { timeout: 30_000 }).toContain(text);
    expect((await serverBodies(stack, 'dr.benali', conversationId)).filter((b) => b === text)).toHaveLength(1);
    await page.goto(`/c/${conversationId}`);
    await expect.poll(() => shownBodies(page)).toContain(text);
    await expect.poll(() => pendingCount(page), { timeout: 20_000 }).toBe(0);
    await tablet.close();
  });

  it('locks after 10 minutes without activity, warning 30 s before, and unlocks offline with the password', async () => {
    const tablet = await e2e.openTablet();
    const page = await tablet.context.newPage();
    await page.clock.install();
    const autoLock = autoLockFetched(page);
    await visitSignedIn(page, 'dr.martin');
    await autoLock;

    await page.clock.fastForward('09:31');
    await page.getByTestId('lock-warning').waitFor();
    expect(await page.getByTestId('lock-warning').innerText()).toContain('30 secondes');
    await page.getByTestId('lock-extend').click();
    await expect.poll(() => page.getByTestId('lock-warning').count()).toBe(0);

    // One tap bought a full new period: 9:31 later the warning is back, at 10:01 the screen locks.
    await page.clock.fastForward('09:31');
    await page.getByTestId('lock-warning').waitFor();
    await page.clock.fastForward('00:31');
    await page.getByTestId('lock-screen').waitFor();
    expect(await page.getByTestId('conversation-list').count()).toBe(0);

    // A tab opened now is locked too (the SW keeps the lock).
    const other = await tablet.context.newPage();
    await other.goto('/');
    await other.getByTestId('lock-screen').waitFor({ timeout: 60_000 });
    expect(await other.getByTestId('conversation-list').count()).toBe(0);
    await other.close();

    // Offline: the SW checks the password against its salted hash.
    tablet.net.goOffline();
    await page.getByTestId('lock-password').fill('pas le bon');
    await page.getByTestId('lock-submit').click();
    await page.getByTestId('lock-error').waitFor();
    await page.getByTestId('lock-password').fill(DEMO_PASSWORD);
    await page.getByTestId('lock-submit').click();
    await page.getByTestId('conversation-list').waitFor();
    expect(await page.getByTestId('lock-screen').count()).toBe(0);
    tablet.net.restore();
    await tablet.close();
  });

  it('refuses the locked user\'s data to a request made from the page, and shows the wait after failed offline attempts', async () => {
    const { stack } = e2e;
    const tablet = await e2e.openTablet();
    const conversationId = await directConversation(stack, 'dr.martin', 'benali');
    const page = await openSignedInTab(tablet.context, 'dr.martin');
    await openConversation(page, conversationId);
    await sendFromComposer(page, 'Avant le verrouillage');
    await expect.poll(() => messagesWithStatus(page, 'sent').count()).toBeGreaterThan(0);

    await swRequest(page, 'auth.lock');
    await page.getByTestId('lock-screen').waitFor();
    // A script in the page asks the service worker directly, as the app would: nothing but `locked`.
    const refusal = (op: string, args?: unknown) => swRequest(page, op, args).then(() => 'answered', (error: Error) => error.message);
    expect(await refusal('conversations.list')).toContain('sw conversations.list: locked');
    expect(await refusal('messages.list', { conversationId })).toContain('sw messages.list: locked');
    expect(await refusal('search', { q: 'verrouillage' })).toContain('sw search: locked');
    expect(await refusal('notifications.list')).toContain('sw notifications.list: locked');
    expect(await swRequest(page, 'session.get')).toMatchObject({ locked: true });

    // Offline, the third wrong password earns a wait, which the lock screen shows.
    tablet.net.goOffline();
    for (let attempt = 1; attempt <= 3; attempt++) {
      await page.getByTestId('lock-password').fill(`pas le bon ${attempt}`);
      await page.getByTestId('lock-submit').click();
      await page.getByTestId('lock-error').waitFor();
      await expect.poll(() => page.getByTestId('lock-password').inputValue()).toBe('');
    }
    await page.getByTestId('lock-wait').waitFor();
    expect(await page.getByTestId('lock-wait').innerText()).toMatch(/prochain essai possible dans [1-5] s/);

    // Online the server checks the password whatever the wait; the list comes back with the unlock.
    tablet.net.restore();
    await page.getByTestId('lock-password').fill(DEMO_PASSWORD);
    await page.getByTestId('lock-submit').click();
    await page.getByTestId('conversation-list').waitFor();
    await expect.poll(() => page.getByTestId('conversation-list').innerText()).toContain('Benali');
    expect(await swRequest(page, 'session.get')).not.toHaveProperty('locked');
    await tablet.close();
  });
});
