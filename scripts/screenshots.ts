import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/server/demo-seed.ts';
import { ROOT } from '../tests/integration/helpers.ts';
import { launchChromium } from '../tests/e2e/browser.ts';
import { CALL_CHROMIUM_FLAGS } from '../tests/e2e/call-choreography.ts';
import { seedClinicScene, type ClinicScene } from '../tests/e2e/demo-scene.ts';
import { openConversation, openSignedInPage, signIn } from '../tests/e2e/page-steps.ts';
import { startStack, type Stack } from '../tests/e2e/stack.ts';
import startTestRedis from '../tests/test-redis.ts';

/**
 * `npm run screenshots`: the main screens of Relais, in French, on a clinic tablet (1180×820) and a
 * phone (390×844), written to docs/screenshots/<screen>-<width>x<height>.png.
 *
 * What it runs is what `npm test` needs: a private throwaway redis-server (tests/test-redis.ts), the
 * real gateway in this process serving the built app (built first when dist/ is missing), the demo
 * clinic with a believable morning on top (tests/e2e/demo-scene.ts: fixed names and words), and
 * Debian's Chromium with a fake camera for the call.
 */

const OUT = resolve(ROOT, 'docs/screenshots');
const SIZES = [
  { width: 1180, height: 820 },
  { width: 390, height: 844 },
] as const;
type Size = (typeof SIZES)[number];

/** Screens of one page: each size in turn, `prepare` bringing the screen back after a resize. */
async function shoot(page: Page, screen: string, prepare: (size: Size) => Promise<void> = async () => {}): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await prepare(size);
    // Layout, lazy images and the end of transitions.
    await page.waitForTimeout(400);
    const path = join(OUT, `${screen}-${size.width}x${size.height}.png`);
    await page.screenshot({ path, animations: 'disabled' });
    console.info(`  ${path.slice(ROOT.length + 1)}`);
  }
}

async function fromAppBar(page: Page, testId: string): Promise<void> {
  if (!(await page.getByTestId(testId).isVisible())) await page.getByTestId('open-menu').click();
  await page.getByTestId(testId).click();
}

async function laterForNotifications(page: Page): Promise<void> {
  await page.getByTestId('notification-prompt').getByRole('button', { name: 'Plus tard' }).click();
  await page.getByTestId('notification-prompt').waitFor({ state: 'detached' });
}

async function home(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByTestId('conversation-list').waitFor();
}

async function run(stack: Stack, browser: Browser, scene: ClinicScene): Promise<void> {
  const contexts: BrowserContext[] = [];
  const context = async (): Promise<BrowserContext> => {
    const created = await browser.newContext({ baseURL: stack.baseURL, locale: 'fr-FR', timezoneId: 'Europe/Paris', colorScheme: 'light', viewport: SIZES[0] });
    contexts.push(created);
    return created;
  };
  try {
    const visitor = await (await context()).newPage();
    await visitor.goto('/');
    await visitor.getByTestId('login-username').waitFor();
    await shoot(visitor, 'sign-in');

    // Her colleagues are signed in on their own devices (their presence shows); Dr Martin said
    // "Plus tard" to the notifications prompt.
    const karim = await openSignedInPage(await context(), 'dr.benali');
    await openSignedInPage(await context(), 'inf.dubois');
    const doctor = await openSignedInPage(await context(), 'dr.martin');
    await laterForNotifications(doctor);
    await doctor.getByTestId('conversation-row').nth(2).waitFor();
    await shoot(doctor, 'list');

    await openConversation(doctor, scene.groupId);
    await doctor.getByTestId('urgent-badge').waitFor();
    await shoot(doctor, 'conversation');

    await home(doctor);
    await doctor.getByTestId('new-conversation').click();
    await doctor.getByTestId('user-search').fill('d');
    await doctor.getByTestId('user-result').nth(1).waitFor();
    await shoot(doctor, 'new-conversation');
    await doctor.keyboard.press('Escape');

    await home(doctor);
    await fromAppBar(doctor, 'open-settings');
    await doctor.getByTestId('two-factor-enable').waitFor();
    await shoot(doctor, 'settings');
    await doctor.keyboard.press('Escape');

    await home(doctor);
    await doctor.getByTestId('notifications-button').click();
    await doctor.getByTestId('notification-center').waitFor();
    await shoot(doctor, 'notifications');
    await doctor.keyboard.press('Escape');

    // Dr Benali calls Dr Martin from their direct conversation; she answers.
    await openConversation(karim, scene.directId);
    await openConversation(doctor, scene.directId);
    await karim.getByTestId('call-start').click();
    await doctor.getByTestId('call-accept').click();
    for (const page of [doctor, karim]) {
      await page.waitForSelector('[data-testid="video-call-window"][data-phase="active"]', { timeout: 20_000 });
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="call-quality"]')?.getAttribute('data-frames-decoded')) > 0, null, { timeout: 20_000 });
    }
    await shoot(doctor, 'call');
    await doctor.getByTestId('call-hangup').click();

    const admin = await (await context()).newPage();
    await admin.goto('/');
    await admin.getByTestId('login-username').fill('admin');
    await admin.getByTestId('login-password').fill(DEMO_PASSWORD);
    await admin.getByTestId('login-submit').click();
    await admin.getByTestId('admin-user-row').nth(5).waitFor({ timeout: 30_000 });
    await shoot(admin, 'admin');

    const patient = await (await context()).newPage();
    await patient.goto('/');
    await signIn(patient, 'patient.moreau');
    await laterForNotifications(patient);
    await patient.getByTestId('care-team-member').nth(1).waitFor();
    await shoot(patient, 'patient-home');
  } finally {
    for (const created of contexts) await created.close();
  }
}

async function main(): Promise<void> {
  if (!existsSync(resolve(ROOT, 'dist/sw.js'))) {
    console.info('dist/ is missing: building the app first (npm run build)');
    const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  // Always a redis-server of its own: startStack empties the DB it runs on.
  delete process.env.RELAIS_TEST_REDIS_PORT;
  const stopRedis = await startTestRedis();
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  try {
    stack = await startStack({ db: 0 });
    const scene = await seedClinicScene(stack);
    browser = await launchChromium(CALL_CHROMIUM_FLAGS);
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    console.info(`writing ${OUT.slice(ROOT.length + 1)}/`);
    await run(stack, browser, scene);
    const bytes = readdirSync(OUT).reduce((sum, name) => sum + statSync(join(OUT, name)).size, 0);
    console.info(`${readdirSync(OUT).length} screenshots, ${(bytes / 1024 / 1024).toFixed(1)} MB`);
  } finally {
    await browser?.close();
    await stack?.stop();
    await stopRedis?.();
  }
}

await main();
