import { describe, expect, it } from 'vitest';
import { useE2eStack } from './fixture.ts';
import { AUDIT_KEYS, fieldOf } from '../../src/server/audit/audit-log.ts';
import { signIn } from './page-steps.ts';
import { swRequest } from './sw-steps.ts';

/** The Redis DB index this file owns. */
const DB = 19;

/**
 * What each role is offered (src/shared/policy.ts): a patient on a phone finds their care team and
 * writes to it, with none of the staff tools (urgent flag, calls, statistics, groups); a doctor has
 * them all. No button is shown that the gateway would refuse.
 */
describe('what each role is offered, in Chromium', () => {
  const e2e = useE2eStack({ db: DB });

  it('offers a patient on a phone their care team and a composer, and none of the staff tools', async () => {
    const context = await e2e.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto('/');
    await signIn(page, 'patient.moreau');
    // The seeded conversation with Dr Martin, her care team.
    const row = page.getByTestId('conversation-row');
    await expect.poll(() => row.count()).toBe(1);
    await expect.poll(() => row.first().textContent()).toContain('Anne Martin');
    expect(await page.getByTestId('open-stats').count()).toBe(0);
    // The "patient·e" marker is for staff: a patient's own list carries none.
    expect(await page.getByTestId('patient-marker').count()).toBe(0);

    await row.first().click();
    await page.getByTestId('chat-window').waitFor();
    await page.getByTestId('composer-input').waitFor();
    expect(await page.getByTestId('composer-urgent').count()).toBe(0);
    expect(await page.getByTestId('call-start').count()).toBe(0);

    // No directory, no group: the home lists the care team (Dr Martin, and the nurse assigned to her).
    await page.goto('/');
    await expect.poll(async () => (await page.locator('.care-team__name').allTextContents()).sort()).toEqual(['Claire Dubois', 'Dr Anne Martin']);
    expect(await page.getByTestId('new-conversation').count()).toBe(0);
  });

  it('offers a doctor the urgent flag, the call button and statistics, and marks the conversation with a patient', async () => {
    const context = await e2e.newContext({ viewport: { width: 1180, height: 820 } });
    const page = await context.newPage();
    await page.goto('/');
    await signIn(page, 'dr.martin');
    await page.getByTestId('open-stats').waitFor();
    const patientRow = page.getByTestId('conversation-row').filter({ hasText: 'Moreau' });
    expect(await patientRow.getByTestId('patient-marker').textContent()).toBe('patient·e');
    // The colleague's conversation carries no marker.
    expect(await page.getByTestId('conversation-row').filter({ hasText: 'Benali' }).getByTestId('patient-marker').count()).toBe(0);
    await patientRow.click();
    await page.locator('.chat-header').getByTestId('patient-marker').waitFor();
    // Opened from the device's own copy, and still in the clinic's access log (through the outbox).
    const doctorId = (await swRequest<{ user: { id: string } }>(page, 'session.get')).user.id;
    const conversationId = new URL(page.url()).pathname.split('/').at(-1);
    const opened = async () =>
      (await e2e.stack.gateway.redis.xrange(AUDIT_KEYS.log, '-', '+'))
        .map(([, fields]) => JSON.parse(fieldOf(fields, 'body') ?? '{}') as { action: string; actor: string; conversationId?: string })
        .filter((e) => e.action === 'conversation.opened' && e.actor === doctorId && e.conversationId === conversationId).length;
    await expect.poll(opened).toBeGreaterThanOrEqual(1);
    await page.getByTestId('composer-urgent').waitFor();
    await page.getByTestId('call-start').waitFor();
  });
});
