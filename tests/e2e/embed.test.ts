import { mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AxeResults } from 'axe-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Frame, FrameLocator, Page } from 'playwright-core';
import { startExampleHost, type ExampleHost } from '../../scripts/example-host.ts';
import { loadCoreConfig } from '../../src/server/core/core-config.ts';
import { DEMO_PATIENT_INS } from '../../src/server/demo-seed.ts';
import { linkAccount } from '../../src/server/store/sso-links.ts';
import { newId } from '../../src/shared/ids.ts';
import type { FunctionsReply } from '../../src/shared/oncall.ts';
import { callFrom, CALL_CHROMIUM_FLAGS } from './call-choreography.ts';
import { useE2eStack } from './fixture.ts';
import { ROOT } from '../integration/helpers.ts';
import { signIn } from './page-steps.ts';
import { apiAs, directConversation, sendAs } from './server-steps.ts';

/**
 * Relais embedded in the clinic's own pages (docs/EMBEDDING.md), driven in Chromium through the
 * example pages of `examples/` served by `npm run example:host`'s server on an origin of its own:
 *
 *   same site:  the pages at http://dpi.clinique.localhost:<p>, Relais at http://relais.clinique.localhost:<g>
 *               (one registrable domain, clinique.localhost: the SameSite=Strict session cookie reaches the frame)
 *   cross-site: the pages at http://127.0.0.1:<p> (another site: the frame has no cookie, the button opens a window)
 */

const SHOTS = '/tmp/shots-embed';
/** A function of the demo clinic (its rota names the doctors). */
const DUTY = 'Médecin de garde — Médecine';
const PATIENT = { ins: '184067512345678', name: 'Jean Dupont' };
/** The demo's patient account (its INS and care team, Dr Martin and Claire Dubois, from the seed); `?patient=moreau`. */
const MOREAU = { ins: DEMO_PATIENT_INS, name: 'Thérèse Moreau' };
/** A patient Relais has no account for; `?patient=petit`. */
const PETIT = { ins: '290117512345642', name: 'Louise Petit' };

let host: ExampleHost | undefined;
let relaisUrl = '';

beforeAll(async () => {
  host = await startExampleHost({ port: 0, relaisUrl: () => relaisUrl });
  await mkdir(SHOTS, { recursive: true });
});
afterAll(async () => {
  await host?.close();
});

const sameSite = (): string => `http://dpi.clinique.localhost:${host?.port}`;
const crossSite = (): string => `http://127.0.0.1:${host?.port}`;

const e2e = useE2eStack({
  db: 2,
  chromiumArgs: CALL_CHROMIUM_FLAGS,
  config: () => ({
    allowedHosts: loadCoreConfig({ ALLOWED_HOSTS: 'relais.clinique.localhost' }).allowedHosts,
    embedOrigins: loadCoreConfig({ RELAIS_EMBED_ORIGINS: `${sameSite()},${crossSite()}` }).embedOrigins,
  }),
});

/** The Relais frame inside the button's shadow root. */
function relaisFrame(page: Page): FrameLocator {
  return page.locator('relais-messaging-button').frameLocator('iframe');
}

/** The Relais frame as a Frame (for its address). */
function relaisFrameOf(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().startsWith(relaisUrl));
  if (!frame) throw new Error('no Relais frame');
  return frame;
}

const button = (page: Page) => page.locator('relais-messaging-button').getByRole('button');

/** axe-core's WCAG 2.2 AA and best-practice violations inside the panel's offer (rule: targets). */
async function offerViolations(frame: Frame): Promise<string[]> {
  // Evaluated rather than added as a <script>: the app's CSP (script-src 'self') refuses inline scripts.
  if (!(await frame.evaluate(() => 'axe' in window))) await frame.evaluate(`${await readFile(resolve(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8')}; void 0`);
  return frame.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Element, options: unknown): Promise<AxeResults> } }).axe;
    const offer = document.querySelector('[data-testid="embed-offer"]');
    if (!offer) return ['no offer on screen'];
    const options = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations'] };
    const results = await axe.run(offer, options);
    if (results.passes.length === 0) return ['axe checked nothing'];
    return results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  });
}

describe('Relais embedded in the clinic pages', () => {
  let doctor: BrowserContext;
  let patientConversation = '';
  let directId = '';

  beforeAll(async () => {
    relaisUrl = `http://relais.clinique.localhost:${e2e.stack.port}`;
    // Dr Benali writes to Dr Martin about a patient (INS), twice: 2 unread.
    const benali = await apiAs(e2e.stack, 'dr.benali');
    const users = await benali.request('GET', `/api/users?q=${encodeURIComponent('Anne Martin')}`);
    const martin = (users.body as { users: { id: string }[] }).users[0];
    if (!martin) throw new Error('no Dr Martin');
    patientConversation = newId();
    const created = await benali.request('POST', '/api/sync/push', {
      body: {
        deviceId: 'e2e',
        mutations: [{ id: newId(), kind: 'conversation.create', args: { conversationId: patientConversation, participantIds: [martin.id], title: 'Suivi Jean Dupont', patient: { nationalId: PATIENT.ins, displayName: PATIENT.name } } }],
      },
    });
    expect((created.body as { results: { ok: boolean }[] }).results[0]?.ok).toBe(true);
    await sendAs(e2e.stack, 'dr.benali', patientConversation, 'Jean Dupont sort demain matin.');
    await sendAs(e2e.stack, 'dr.benali', patientConversation, 'Pouvez-vous valider l’ordonnance ?');
    directId = await directConversation(e2e.stack, 'dr.benali', 'Anne Martin');

    // Dr Martin signs in to Relais itself once (first party), then works in the clinic's pages.
    doctor = await e2e.newContext({ baseURL: undefined });
    const first = await doctor.newPage();
    await first.goto(`${relaisUrl}/`);
    await first.getByTestId('login-username').waitFor({ timeout: 90_000 });
    await signIn(first, 'dr.martin');
    await first.close();
  });

  it('same site: the button in the workspace shows the unread count, live, and opens the signed-in app in a side panel', async () => {
    const page = await doctor.newPage();
    await page.setViewportSize({ width: 1180, height: 820 });
    await page.goto(`${sameSite()}/medecin/`);
    const element = page.locator('relais-messaging-button');
    await expect.poll(() => element.getAttribute('data-mode'), { timeout: 30_000 }).toBe('panel');
    await expect.poll(() => element.getAttribute('data-unread'), { timeout: 30_000 }).toBe('2');
    expect(await button(page).getAttribute('aria-label')).toBe('Messagerie Relais, 2 non lus');
    // The host's hostile button styles (all: unset, 40 px red) do not reach it: still ≥ 44 px.
    const box = await button(page).boundingBox();
    expect(box && box.width >= 44 && box.height >= 44).toBe(true);

    // A colleague writes: the badge follows without a reload.
    await sendAs(e2e.stack, 'dr.benali', patientConversation, 'Et le bilan sanguin ?');
    await expect.poll(() => element.getAttribute('data-unread'), { timeout: 20_000 }).toBe('3');
    await expect.poll(() => button(page).getAttribute('aria-label')).toBe('Messagerie Relais, 3 non lus');
    expect(await page.getByText('Messagerie Relais : 3 non lu(s)').count()).toBe(1);

    // The click shows the app, signed in, as a side panel with no second app title, and a close button.
    await button(page).click();
    const frame = relaisFrame(page);
    await frame.getByTestId('conversation-list').waitFor();
    expect(await button(page).getAttribute('aria-expanded')).toBe('true');
    expect(await frame.locator('.app-title').isVisible()).toBe(false);
    await page.screenshot({ path: `${SHOTS}/medecin-panel-1180.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => relaisFrameOf(page).evaluate(() => [innerWidth, innerHeight].join('×'))).toBe('390×844');
    await page.screenshot({ path: `${SHOTS}/medecin-panel-390.png` });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await frame.getByTestId('embed-close').click();
    await expect.poll(() => button(page).getAttribute('aria-expanded')).toBe('false');
    await page.close();
  });

  it('same site: the patient record opens the conversation about its patient, the patient in its header', async () => {
    const page = await doctor.newPage();
    await page.setViewportSize({ width: 1180, height: 820 });
    await page.goto(`${sameSite()}/dmp/`);
    await expect.poll(() => page.locator('relais-messaging-button').getAttribute('data-mode'), { timeout: 30_000 }).toBe('panel');
    await page.getByRole('button', { name: 'Conversation à propos de ce patient' }).click();
    const frame = relaisFrame(page);
    await frame.getByTestId('chat-window').waitFor();
    expect(new URL(relaisFrameOf(page).url()).pathname).toBe(`/c/${patientConversation}`);
    const header = await frame.getByTestId('chat-patient').textContent();
    expect(header).toContain(PATIENT.name);
    expect(header).toContain(PATIENT.ins);
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Conversation ouverte dans la messagerie.');
    await page.screenshot({ path: `${SHOTS}/dmp-panel-1180.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => relaisFrameOf(page).evaluate(() => [innerWidth, innerHeight].join('×'))).toBe('390×844');
    await page.screenshot({ path: `${SHOTS}/dmp-panel-390.png` });
    // Read in the panel: the badge goes down to 0.
    await expect.poll(() => page.locator('relais-messaging-button').getAttribute('data-unread'), { timeout: 20_000 }).toBe('0');
    await page.close();
  });

  it('same site: a patient with no conversation: the offer starts one with the care team in one tap, the patient in its header, and the team receives it', async () => {
    const page = await doctor.newPage();
    await page.setViewportSize({ width: 1180, height: 820 });
    await page.goto(`${sameSite()}/dmp/?patient=moreau`);
    await expect.poll(() => page.locator('relais-messaging-button').getAttribute('data-mode'), { timeout: 30_000 }).toBe('panel');
    await page.getByRole('button', { name: 'Conversation à propos de ce patient' }).click();
    const frame = relaisFrame(page);
    const offer = frame.getByTestId('embed-offer');
    await offer.waitFor();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Aucune conversation à propos de ce patient pour l’instant.');
    expect(await offer.getByRole('heading').textContent()).toBe(`Aucune conversation à propos de ${MOREAU.name}`);
    const start = frame.getByTestId('embed-offer-start');
    expect(await start.textContent()).toBe(`Démarrer une conversation à propos de ${MOREAU.name}`);
    const box = await start.boundingBox();
    expect(box && box.height >= 44 && box.width >= 44).toBe(true);
    // The name wraps inside the button (the whole label shows, nothing spills out of the panel).
    const spill = () => start.evaluate((element) => element.scrollWidth - element.clientWidth);
    expect(await spill()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SHOTS}/dmp-offer-1180.png` });
    expect(await offerViolations(relaisFrameOf(page))).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => relaisFrameOf(page).evaluate(() => [innerWidth, innerHeight].join('×'))).toBe('390×844');
    await page.screenshot({ path: `${SHOTS}/dmp-offer-390.png` });
    expect(await spill()).toBeLessThanOrEqual(0);
    expect(await offerViolations(relaisFrameOf(page))).toEqual([]);
    expect(await relaisFrameOf(page).evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);

    // Offline, the care team cannot be looked up: the offer says so, no button that cannot work.
    await doctor.setOffline(true);
    await frame.getByTestId('embed-offer-offline').waitFor();
    expect(await frame.getByTestId('embed-offer-start').count()).toBe(0);
    expect(await frame.getByTestId('embed-offer-offline').textContent()).toContain('demande le réseau');
    await page.screenshot({ path: `${SHOTS}/dmp-offer-offline-390.png` });
    expect(await offerViolations(relaisFrameOf(page))).toEqual([]);
    await doctor.setOffline(false);
    await start.waitFor();

    await start.click();
    await frame.getByTestId('chat-window').waitFor();
    const conversationId = new URL(relaisFrameOf(page).url()).pathname.replace('/c/', '');
    const header = await frame.getByTestId('chat-patient').textContent();
    expect(header).toContain(MOREAU.name);
    expect(header).toContain(MOREAU.ins);
    // The host hears of it: `relais:opened` {result: 'created'} (the record's status line says it).
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Conversation démarrée dans la messagerie.');
    expect(await frame.getByTestId('embed-offer').count()).toBe(0);

    // Claire Dubois, of the patient's care team, has it, about the patient; the patient is not in it.
    const dubois = await apiAs(e2e.stack, 'inf.dubois');
    const listed = (await dubois.request('GET', '/api/conversations')).body as { conversations: { id: string; kind: string; patient: unknown; participants: { displayName: string }[] }[] };
    const received = listed.conversations.find((c) => c.id === conversationId);
    expect(received?.kind).toBe('group');
    expect(received?.patient).toEqual({ nationalId: MOREAU.ins, displayName: MOREAU.name });
    expect(received?.participants.map((p) => p.displayName).sort()).toEqual(['Claire Dubois', 'Dr Anne Martin']);

    // Asked again, the record now opens that conversation.
    await frame.getByTestId('embed-close').click();
    await page.getByRole('button', { name: 'Conversation à propos de ce patient' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Conversation ouverte dans la messagerie.');
    expect(new URL(relaisFrameOf(page).url()).pathname).toBe(`/c/${conversationId}`);
    await page.close();
  });

  it('same site: a patient without an account or care team: the offer opens New conversation with the patient filled in', async () => {
    const page = await doctor.newPage();
    await page.setViewportSize({ width: 1180, height: 820 });
    await page.goto(`${sameSite()}/dmp/?patient=petit`);
    await expect.poll(() => page.locator('relais-messaging-button').getAttribute('data-mode'), { timeout: 30_000 }).toBe('panel');
    await page.getByRole('button', { name: 'Conversation à propos de ce patient' }).click();
    const frame = relaisFrame(page);
    await frame.getByTestId('embed-offer-start').click();
    const patientLine = frame.getByTestId('new-conversation-patient');
    await patientLine.waitFor();
    expect(await patientLine.textContent()).toBe(`Patient·e : ${PETIT.name} (${PETIT.ins})`);
    await frame.getByTestId('user-search').fill('Benali');
    await frame.locator('[data-testid="user-result"]', { hasText: 'Dr Karim Benali' }).click();
    expect(await frame.getByTestId('patient-name').inputValue()).toBe(PETIT.name);
    expect(await frame.getByTestId('patient-id').inputValue()).toBe(PETIT.ins);
    await frame.getByTestId('create-conversation').click();
    await frame.getByTestId('chat-window').waitFor();
    expect(await frame.getByTestId('chat-patient').textContent()).toContain(PETIT.ins);
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Conversation démarrée dans la messagerie.');
    await page.close();
  });

  it('same site: the host API answers only its parent page; another origin is ignored, malformed input gets embed_bad_message', async () => {
    const page = await doctor.newPage();
    await page.goto(`${sameSite()}/dmp/`);
    await expect.poll(() => page.locator('relais-messaging-button').getAttribute('data-mode'), { timeout: 30_000 }).toBe('panel');
    await page.evaluate(() => {
      const record: unknown[] = [];
      (window as unknown as { relaisSeen: unknown[] }).relaisSeen = record;
      window.addEventListener('message', (event) => record.push(event.data));
    });
    // A frame of another origin on the page (not in RELAIS_EMBED_ORIGINS) cannot even address the
    // Relais frame: a frame inside a shadow root is not in the page's `window.frames`.
    await page.evaluate((src) => {
      const other = document.createElement('iframe');
      other.src = src;
      document.body.append(other);
      return new Promise((done) => other.addEventListener('load', done));
    }, `http://other.localhost:${host?.port}/index.html`);
    const reachable = await page.evaluate(() => {
      const element = document.querySelector('relais-messaging-button');
      const target = element?.shadowRoot?.querySelector('iframe')?.contentWindow;
      return Array.from({ length: window.frames.length }, (_, i) => window.frames[i]).includes(target as Window);
    });
    expect(reachable).toBe(false);
    // So the frame is handed messages as the browser would deliver them from elsewhere: from another
    // origin (even naming the parent as source), and from a window other than the parent.
    await relaisFrameOf(page).evaluate(
      ({ ins, other }) => {
        const request = { type: 'relais:open-patient', id: 'evil-1', ins };
        window.dispatchEvent(new MessageEvent('message', { data: request, origin: other, source: window.parent }));
        window.dispatchEvent(new MessageEvent('message', { data: { ...request, id: 'evil-2' }, origin: location.ancestorOrigins[0], source: window }));
        window.dispatchEvent(new MessageEvent('message', { data: { type: 'relais:unread', id: 'evil-3' }, origin: other, source: window.parent }));
      },
      { ins: PATIENT.ins, other: `http://other.localhost:${host?.port}` },
    );
    // The page's own malformed request (allowed origin): answered with the stable code and its id.
    const origin = relaisUrl;
    await page.evaluate((target) => {
      const element = document.querySelector('relais-messaging-button');
      element?.shadowRoot?.querySelector('iframe')?.contentWindow?.postMessage({ type: 'relais:open-patient', id: 'bad-1', ins: 'not an INS!' }, target);
    }, origin);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { relaisSeen: { id?: string }[] }).relaisSeen.find((m) => m.id === 'bad-1')), { timeout: 10_000 })
      .toEqual({ type: 'relais:error', id: 'bad-1', code: 'embed_bad_message' });
    // The other origin's requests were not acted on: no answer anywhere, the panel closed, the list shown.
    const seenByPage = await page.evaluate(() => (window as unknown as { relaisSeen: { id?: string }[] }).relaisSeen.map((m) => m.id ?? null));
    expect(seenByPage.filter((id) => id !== null && id.startsWith('evil-'))).toEqual([]);
    expect(new URL(relaisFrameOf(page).url()).pathname).toBe('/');
    expect(await button(page).getAttribute('aria-expanded')).toBe('false');
    await page.close();
  });

  /** Dr Martin's workspace at tablet width, the Relais panel signed in and its list there. */
  async function workspaceWithPanel() {
    const page = await doctor.newPage();
    await page.setViewportSize({ width: 1180, height: 820 });
    await page.goto(`${sameSite()}/medecin/`);
    const element = page.locator('relais-messaging-button');
    await expect.poll(() => element.getAttribute('data-mode'), { timeout: 30_000 }).toBe('panel');
    await relaisFrame(page).getByTestId('conversation-list').waitFor({ state: 'attached' });
    return { page, element };
  }

  it('same site: a call to the function the doctor holds names the function on the host button', async () => {
    // Dr Martin holds "Médecin de garde — Médecine" for the next hour, whatever the rota says.
    const admin = await apiAs(e2e.stack, 'admin');
    const functions = (await (await apiAs(e2e.stack, 'inf.dubois')).request('GET', '/api/functions')).body as FunctionsReply;
    const duty = functions.functions.find((f) => f.name === DUTY);
    if (!duty) throw new Error(`no function ${DUTY}`);
    const martin = ((await admin.request('GET', '/api/users?q=Anne%20Martin')).body as { users: { id: string }[] }).users[0];
    const now = Date.now();
    const override = await admin.request('POST', `/api/admin/functions/${duty.id}/overrides`, { body: { from: now - 60_000, to: now + 3_600_000, userId: martin?.id } });
    expect(override.status).toBe(201);

    const { page, element } = await workspaceWithPanel();

    // The nurse calls the function from the New conversation dialog, not Dr Martin by name.
    const nurse = await e2e.newContext();
    const phone = await nurse.newPage();
    await phone.goto('/');
    await signIn(phone, 'inf.dubois');
    await phone.getByTestId('new-conversation').click();
    await phone.getByTestId('function-picker').getByRole('button', { name: `Appeler ${DUTY}`, exact: true }).click();

    await expect.poll(() => element.getAttribute('data-ringing'), { timeout: 20_000 }).toBe('true');
    expect(await button(page).getAttribute('aria-label')).toBe(`Messagerie Relais, appel entrant de Claire Dubois pour ${DUTY}`);
    // Declined in the panel: the button stops ringing and says the unread count again.
    await relaisFrame(page).getByTestId('call-decline').click();
    await expect.poll(() => element.getAttribute('data-ringing')).toBe('false');
    expect(await button(page).getAttribute('aria-label')).not.toContain('appel entrant');
    await page.close();
    await nurse.close();
  });

  it('same site: an incoming call rings in the host page, opens the panel and is answered there', async () => {
    const { page, element } = await workspaceWithPanel();

    const caller = await e2e.newContext();
    const callerPage = await callFrom(caller, 'dr.benali', directId);

    await expect.poll(() => element.getAttribute('data-ringing'), { timeout: 20_000 }).toBe('true');
    expect(await button(page).getAttribute('aria-label')).toBe('Messagerie Relais, appel entrant de Dr Karim Benali');
    const frame = relaisFrame(page);
    await frame.getByTestId('incoming-call').waitFor();
    expect(await button(page).getAttribute('aria-expanded')).toBe('true');
    await page.screenshot({ path: `${SHOTS}/medecin-ringing-1180.png` });
    await frame.getByTestId('call-accept').click();
    await expect.poll(() => frame.getByTestId('video-call-window').getAttribute('data-phase'), { timeout: 20_000 }).toBe('active');
    await expect.poll(() => callerPage.getByTestId('video-call-window').getAttribute('data-phase'), { timeout: 20_000 }).toBe('active');
    await expect.poll(() => element.getAttribute('data-ringing')).toBe('false');
    await page.screenshot({ path: `${SHOTS}/medecin-call-1180.png` });
    await page.close();
    await caller.close();
  });

  it('same site: the host API opens the conversation with a colleague named by RPPS or username; an unknown one gets embed_colleague_not_found', async () => {
    // Dr Benali's account is linked to her RPPS (as Pro Santé Connect names it: "8" + the 11 digits).
    const benali = await apiAs(e2e.stack, 'dr.benali');
    const me = (await benali.request('GET', '/api/me')).body as { user: { id: string } };
    expect(await linkAccount(e2e.stack.gateway.redis, me.user.id, '810003000077')).toBe(true);
    const page = await doctor.newPage();
    await page.setViewportSize({ width: 1180, height: 820 });
    await page.goto(`${sameSite()}/medecin/`);
    await expect.poll(() => page.locator('relais-messaging-button').getAttribute('data-mode'), { timeout: 30_000 }).toBe('panel');
    const ask = (request: object) =>
      page.evaluate(async (message) => {
        await customElements.whenDefined('relais-messaging-button');
        const element = document.querySelector('relais-messaging-button') as HTMLElement & { request(m: object): Promise<unknown> };
        return element.request(message).then(
          (answer) => answer,
          (refusal: { code?: string }) => ({ refused: refusal.code }),
        );
      }, request);

    expect(await ask({ type: 'relais:open-colleague', rpps: '10003000077' })).toMatchObject({ type: 'relais:opened', result: 'conversation', conversationId: directId });
    const frame = relaisFrame(page);
    await frame.getByTestId('chat-window').waitFor();
    expect(new URL(relaisFrameOf(page).url()).pathname).toBe(`/c/${directId}`);
    expect(await frame.locator('#chat-title').textContent()).toContain('Karim Benali');
    expect(await ask({ type: 'relais:open-colleague', username: 'dr.benali' })).toMatchObject({ type: 'relais:opened', conversationId: directId });
    // Nobody has this RPPS; nor may a clinic page reach a patient or an admin as a colleague.
    expect(await ask({ type: 'relais:open-colleague', rpps: '19999999999' })).toEqual({ refused: 'embed_colleague_not_found' });
    expect(await ask({ type: 'relais:open-colleague', username: 'admin' })).toEqual({ refused: 'embed_colleague_not_found' });
    await page.close();
  });

  it('cross-site: the frame cannot have its cookie, so the button opens Relais in its own window, signed in', async () => {
    const page = await doctor.newPage();
    await page.goto(`${crossSite()}/medecin/`);
    const element = page.locator('relais-messaging-button');
    await expect.poll(() => element.getAttribute('data-mode'), { timeout: 30_000 }).toBe('window');
    expect(await element.getAttribute('data-unread')).toBe('0');
    expect(await button(page).getAttribute('aria-label')).toBe('Messagerie Relais');
    const [popup] = await Promise.all([page.waitForEvent('popup'), button(page).click()]);
    await popup.getByTestId('conversation-list').waitFor({ timeout: 30_000 });
    expect(new URL(popup.url()).origin).toBe(relaisUrl);
    // No panel was shown on the page.
    expect(await button(page).getAttribute('aria-expanded')).toBeNull();
    await popup.close();

    // The patient record's request opens the window too, and says so.
    const record = await doctor.newPage();
    await record.goto(`${crossSite()}/dmp/`);
    await expect.poll(() => record.locator('relais-messaging-button').getAttribute('data-mode'), { timeout: 30_000 }).toBe('window');
    const [second] = await Promise.all([record.waitForEvent('popup'), record.getByRole('button', { name: 'Conversation à propos de ce patient' }).click()]);
    expect(new URL(second.url()).origin).toBe(relaisUrl);
    await expect.poll(() => record.getByRole('status').first().textContent()).toBe('La messagerie s’ouvre dans sa propre fenêtre.');
    await second.close();
    await record.close();
    await page.close();
  });
});
