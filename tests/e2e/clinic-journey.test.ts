import { mkdir, readFile } from 'node:fs/promises';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleHost, type ExampleHost } from '../../scripts/example-host.ts';
import { loadSignInConfig } from '../../src/server/auth/sso/sso-config.ts';
import { loadCoreConfig } from '../../src/server/core/core-config.ts';
import { RPPS_SYSTEM, INS_NIR_SYSTEM } from '../../src/server/messaging/fhir-bundle.ts';
import { linkAccount } from '../../src/server/store/sso-links.ts';
import { newId } from '../../src/shared/ids.ts';
import { fhirValidator } from '../fhir-schema.ts';
import { ssoEnv, TEST_PEOPLE } from '../sso/accounts.ts';
import { freePort, startProvider, type ProviderProcess } from '../sso/provider-process.ts';
import { callFrom, CALL_CHROMIUM_FLAGS } from './call-choreography.ts';
import { useE2eStack } from './fixture.ts';
import { apiAs, directConversation, sendAs } from './server-steps.ts';

/** The Redis DB index this file owns. */
const DB = 5;
const SHOTS = '/tmp/shots-journey';
const PATIENT = { ins: '184067512345678', name: 'Jean Dupont' };
/** Dr Anne Martin's identity at the provider: her RPPS, which an admin linked to her Relais account. */
const MARTIN_AT_PROVIDER = TEST_PEOPLE['dr.linked']!;

/*
 * The journey of a doctor in the clinic's own software, end to end (docs/EMBEDDING.md):
 *
 *   the workspace (examples/medecin) ── button ──► the panel: signed out ── "Se connecter avec Pro Santé
 *   Connect" ──► the provider in a window of its own ──► window closes, the panel is signed in, badge
 *   ── the patient record (examples/dmp) ── "Conversation à propos de ce patient" ──► that conversation
 *   ── a colleague calls ──► it rings in the page, answered in the panel ── the conversation's menu
 *   ──► "Exporter vers le dossier patient (FHIR)" ──► a Bundle valid against FHIR R4's schema.
 *
 * Relais at relais.clinique.localhost, the pages at dpi.clinique.localhost (same site: the panel), the
 * provider at 127.0.0.1 (another site, as Pro Santé Connect is), all real processes.
 */
let provider: ProviderProcess | undefined;
let host: ExampleHost | undefined;
let port = 0;
const relaisUrl = (): string => `http://relais.clinique.localhost:${port}`;
const workspace = (): string => `http://dpi.clinique.localhost:${host?.port}`;

beforeAll(async () => {
  port = await freePort();
  provider = await startProvider(relaisUrl());
  host = await startExampleHost({ port: 0, relaisUrl });
  await mkdir(SHOTS, { recursive: true });
});
afterAll(async () => {
  await host?.close();
  await provider?.stop();
});

const relaisFrame = (page: Page): FrameLocator => page.locator('relais-messaging-button').frameLocator('iframe');
const messagingButton = (page: Page) => page.locator('relais-messaging-button').getByRole('button');

describe('a doctor in the clinic software: SSO, badge, the patient’s conversation, a call, the export', () => {
  const e2e = useE2eStack({
    db: DB,
    chromiumArgs: CALL_CHROMIUM_FLAGS,
    config: () => ({
      port,
      allowedHosts: loadCoreConfig({ ALLOWED_HOSTS: 'relais.clinique.localhost' }).allowedHosts,
      embedOrigins: loadCoreConfig({ RELAIS_EMBED_ORIGINS: workspace() }).embedOrigins,
      // Accounts are linked by an admin, never created by a sign-in: Dr Martin's is, to her RPPS.
      signIn: loadSignInConfig(ssoEnv(provider!.issuer, relaisUrl(), 'link-only')),
    }),
  });

  let patientConversation = '';
  let directId = '';

  beforeAll(async () => {
    const benali = await apiAs(e2e.stack, 'dr.benali');
    const found = await benali.request('GET', `/api/users?q=${encodeURIComponent('Anne Martin')}`);
    const martin = (found.body as { users: { id: string }[] }).users[0];
    if (!martin) throw new Error('no Dr Martin');
    expect(await linkAccount(e2e.stack.gateway.redis, martin.id, MARTIN_AT_PROVIDER.rpps)).toBe(true);
    patientConversation = newId();
    const [created] = await benali.push([
      {
        id: newId(),
        kind: 'conversation.create',
        args: { conversationId: patientConversation, participantIds: [martin.id], title: 'Suivi Jean Dupont', patient: { nationalId: PATIENT.ins, displayName: PATIENT.name } },
      },
    ]);
    expect(created?.ok).toBe(true);
    await sendAs(e2e.stack, 'dr.benali', patientConversation, 'Jean Dupont sort demain matin.');
    await sendAs(e2e.stack, 'dr.benali', patientConversation, 'Pouvez-vous valider l’ordonnance ?');
    directId = await directConversation(e2e.stack, 'dr.benali', 'Anne Martin');
  });

  it('signs in from the panel through the provider, then sees, opens, answers and exports in the host pages', async () => {
    const doctor = await e2e.newContext({ baseURL: undefined, acceptDownloads: true, viewport: { width: 1180, height: 820 } });

    // 1. The workspace, nobody signed in to Relais on this computer: the button opens the panel on the sign-in screen.
    const desk = await doctor.newPage();
    await desk.goto(`${workspace()}/medecin/`);
    const element = desk.locator('relais-messaging-button');
    await expect.poll(() => element.getAttribute('data-mode'), { timeout: 30_000 }).toBe('panel');
    await messagingButton(desk).click();
    const panel = relaisFrame(desk);
    const sso = panel.getByTestId('login-sso');
    await sso.waitFor({ timeout: 30_000 });
    expect(await sso.textContent()).toBe('Se connecter avec Pro Santé Connect');
    expect(await panel.getByTestId('login-sso-window').textContent()).toBe('La connexion s’ouvre dans une autre fenêtre.');
    expect((await sso.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await desk.screenshot({ path: `${SHOTS}/panel-sign-in-1180.png` });

    // 2. The provider's pages in a window of their own (a provider is never framed); it closes itself.
    const [signInWindow] = await Promise.all([doctor.waitForEvent('page'), sso.click()]);
    await signInWindow.waitForURL((url) => url.origin === provider!.issuer, { timeout: 30_000 });
    await signInWindow.locator('input[name="login"]').fill('dr.linked');
    await signInWindow.locator('button[type="submit"]').click();
    await signInWindow.waitForEvent('close', { timeout: 60_000 });

    // 3. The panel is signed in as Dr Martin (the SW told every tab), the badge counts her 2 unread.
    await panel.getByTestId('conversation-list').waitFor({ timeout: 30_000 });
    await expect.poll(() => element.getAttribute('data-unread'), { timeout: 30_000 }).toBe('2');
    expect(await messagingButton(desk).getAttribute('aria-label')).toBe('Messagerie Relais, 2 non lus');
    await panel.getByTestId('embed-close').click();
    await desk.screenshot({ path: `${SHOTS}/workspace-badge-1180.png` });

    // 4. The patient record opens the conversation about its patient, the patient in its header.
    const record = await doctor.newPage();
    const devtools = await doctor.newCDPSession(record);
    await devtools.send('Network.enable');
    const frameDocuments: { fromServiceWorker: boolean; source: string; policy: string }[] = [];
    devtools.on('Network.responseReceived', ({ type, response }) => {
      if (type !== 'Document' || !response.url.startsWith(`${relaisUrl()}/?embed=1`)) return;
      const policy = Object.entries(response.headers).find(([name]) => name.toLowerCase() === 'content-security-policy')?.[1] ?? '';
      frameDocuments.push({ fromServiceWorker: response.fromServiceWorker ?? false, source: response.serviceWorkerResponseSource ?? '', policy });
    });
    await record.goto(`${workspace()}/dmp/`);
    // The service worker controls Relais's pages by now, yet it hands the frame the gateway's own page,
    // with today's frame-ancestors (a precached copy would keep the origins of the day it was cached).
    await expect.poll(() => frameDocuments.length, { timeout: 30_000 }).toBe(1);
    expect(frameDocuments[0]).toMatchObject({ fromServiceWorker: true, source: 'network' });
    expect(frameDocuments[0]?.policy).toContain(`frame-ancestors ${workspace()}`);
    await devtools.detach();
    await expect.poll(() => record.locator('relais-messaging-button').getAttribute('data-mode'), { timeout: 30_000 }).toBe('panel');
    const openAboutPatient = record.getByRole('button', { name: 'Conversation à propos de ce patient' });
    await openAboutPatient.click();
    const recordPanel = relaisFrame(record);
    await recordPanel.getByTestId('chat-window').waitFor({ timeout: 30_000 });
    const header = await recordPanel.getByTestId('chat-patient').textContent();
    expect(header).toContain(PATIENT.name);
    expect(header).toContain(PATIENT.ins);
    await expect.poll(() => recordPanel.getByTestId('message').count()).toBe(2);
    await record.screenshot({ path: `${SHOTS}/record-conversation-1180.png` });

    // 5. Dr Benali calls her: it rings in the patient record, she answers in the panel, video both ways.
    const caller = await e2e.newContext();
    const callerPage = await callFrom(caller, 'dr.benali', directId);
    const recordButton = record.locator('relais-messaging-button');
    await expect.poll(() => recordButton.getAttribute('data-ringing'), { timeout: 20_000 }).toBe('true');
    await recordPanel.getByTestId('incoming-call').waitFor();
    await recordPanel.getByTestId('call-accept').click();
    await expect.poll(() => recordPanel.getByTestId('video-call-window').getAttribute('data-phase'), { timeout: 20_000 }).toBe('active');
    await expect
      .poll(async () => Number(await recordPanel.getByTestId('call-quality').getAttribute('data-frames-decoded')), { timeout: 20_000 })
      .toBeGreaterThan(0);
    await record.screenshot({ path: `${SHOTS}/record-call-1180.png` });
    await callerPage.getByTestId('call-hangup').click();
    await expect.poll(() => recordPanel.getByTestId('call-ended').getAttribute('data-outcome'), { timeout: 20_000 }).toBe('completed');
    await recordPanel.getByTestId('call-ended-close').click();
    await caller.close();

    // 6. Back to the patient's conversation, exported from its menu: a valid FHIR R4 Bundle.
    await openAboutPatient.click();
    await expect.poll(() => recordPanel.getByTestId('chat-patient').textContent(), { timeout: 20_000 }).toContain(PATIENT.ins);
    await recordPanel.getByTestId('conversation-menu').locator('summary').click();
    const [download] = await Promise.all([record.waitForEvent('download'), recordPanel.getByTestId('export-fhir').click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^relais-${patientConversation}-\\d{4}-\\d{2}-\\d{2}\\.fhir\\.json$`));
    const bundle = JSON.parse(await readFile(await download.path(), 'utf8')) as FhirBundle;
    const validate = fhirValidator();
    expect(validate(bundle), JSON.stringify(validate.errors)).toBe(true);
    const communications = bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === 'Communication');
    expect(communications.map((c) => c.payload?.[0]?.contentString)).toEqual(['Jean Dupont sort demain matin.', 'Pouvez-vous valider l’ordonnance ?']);
    const patient = bundle.entry.map((e) => e.resource).find((r) => r.resourceType === 'Patient');
    expect(patient?.identifier).toContainEqual(expect.objectContaining({ system: INS_NIR_SYSTEM, value: PATIENT.ins }));
    // Dr Martin, the recipient, carries the RPPS her sign-in was linked by ("8" + the RPPS at Pro Santé Connect).
    const practitioners = bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === 'Practitioner');
    expect(practitioners.flatMap((p) => p.identifier ?? [])).toContainEqual({ system: RPPS_SYSTEM, value: MARTIN_AT_PROVIDER.rpps.slice(1) });

    // The same panel on a phone-sized window: nothing sideways.
    await record.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => record.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await record.screenshot({ path: `${SHOTS}/record-conversation-390.png` });
  });
});

/** The parts of a FHIR Bundle this test reads. */
interface FhirBundle {
  resourceType: 'Bundle';
  entry: {
    resource: {
      resourceType: string;
      identifier?: { system?: string; value?: string }[];
      payload?: { contentString?: string }[];
    };
  }[];
}
