import { describe, expect, it } from 'vitest';
import { useE2eStack } from './fixture.ts';
import { signIn } from './page-steps.ts';

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
    await page.getByTestId('composer-urgent').waitFor();
    await page.getByTestId('call-start').waitFor();
  });
});
