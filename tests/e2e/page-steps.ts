import type { BrowserContext, Locator, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/server/demo-seed.ts';

/** What a person does in the app, step by step, shared by the e2e files. */

/** Signs `username` in from the login screen on `page` (the demo password unless given) and waits for the list. */
export async function signIn(page: Page, username: string, password: string = DEMO_PASSWORD): Promise<void> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('conversation-list').waitFor();
}

/** A new page of `context` on `/`, signed in as `username`. */
export async function openSignedInPage(context: BrowserContext, username: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto('/');
  await signIn(page, username);
  return page;
}

/**
 * Goes to `/` and signs in when the login screen shows (another tab of the context may have signed in
 * already). The first visit installs the SW and precaches the shell before it answers: it allows for a busy machine.
 */
export async function visitSignedIn(page: Page, username: string): Promise<void> {
  await page.goto('/');
  await page.getByTestId('login-username').or(page.getByTestId('conversation-list')).first().waitFor({ timeout: 90_000 });
  if (await page.getByTestId('login-username').isVisible()) await signIn(page, username);
}

/** A new tab of `context` on `/`, signed in as `username` unless the context already is. */
export async function openSignedInTab(context: BrowserContext, username: string): Promise<Page> {
  const page = await context.newPage();
  await visitSignedIn(page, username);
  return page;
}

/** Starts (or finds again) the direct conversation with the first user found by `query`, from the list's dialog; answers its id. */
export async function startConversationWith(page: Page, query: string): Promise<string> {
  await page.getByTestId('new-conversation').click();
  await page.getByTestId('user-search').fill(query);
  await page.getByTestId('user-result').first().click();
  await page.getByTestId('create-conversation').click();
  await page.getByTestId('chat-window').waitFor();
  const { pathname } = new URL(page.url());
  const id = /^\/c\/([0-9a-f-]{36})$/.exec(pathname)?.[1];
  if (id === undefined) throw new Error(`not on a conversation: ${pathname}`);
  return id;
}

/** Creates a group titled `title` with the users found by each query (picked by display name) from the list's dialog; answers its id. */
export async function startGroup(page: Page, title: string, members: { query: string; name: string }[]): Promise<string> {
  const before = page.url();
  await page.getByTestId('new-conversation').click();
  for (const { query, name } of members) {
    await page.getByTestId('user-search').fill(query);
    await page.getByTestId('user-result').filter({ hasText: name }).click();
  }
  await page.getByTestId('conversation-title').fill(title);
  await page.getByTestId('create-conversation').click();
  await page.waitForURL((url) => url.pathname.startsWith('/c/') && url.href !== before);
  return new URL(page.url()).pathname.slice('/c/'.length);
}

/** Opens the conversation `conversationId` by its address and waits for it to show. */
export async function openConversation(page: Page, conversationId: string): Promise<void> {
  await page.goto(`/c/${conversationId}`);
  await page.getByTestId('chat-window').waitFor();
}

/** The conversation's row in the list. */
export function conversationRow(page: Page, conversationId: string): Locator {
  return page.locator(`[data-testid="conversation-row"][data-conversation-id="${conversationId}"]`);
}

/** Sends a message from the open conversation's composer. */
export async function sendFromComposer(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-input').press('Enter');
}

/** Bodies shown in the open conversation. */
export function shownBodies(page: Page): Promise<string[]> {
  return page.getByTestId('message-body').allTextContents();
}

/** The messages of the open conversation in a delivery state (`pending`: still in the outbox). */
export function messagesWithStatus(page: Page, status: 'pending' | 'sent'): Locator {
  return page.locator(`[data-testid="message"][data-status="${status}"]`);
}

/**
 * Resolves once `page` has fetched the auto-lock: it is a lazy chunk started at sign-in, and a clock
 * fast-forwarded before its idle timer starts jumps past nothing. Call it before signing in, await it
 * after. (Resource timing cannot tell: Playwright's fake clock replaces `performance`.)
 */
export function autoLockFetched(page: Page): Promise<unknown> {
  return page.waitForResponse((response) => response.url().includes('/assets/auto-lock-'), { timeout: 30_000 });
}
