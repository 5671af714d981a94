import { useEffect, useState } from 'preact/hooks';
import type { ClinicSettings } from '../../../shared/admin-http.ts';
import { tError } from '../../core/i18n/index.ts';
import { loadSettings, saveSettings } from './admin-api.ts';
import type { AdminMessageKey } from './admin-fr.ts';
import { tAdmin as t } from './admin-i18n.ts';

type NumberSetting = Exclude<keyof ClinicSettings, 'patientConversations'>;

/** The bounds of each number (as the server checks them: src/shared/admin-http.ts). */
const NUMBERS: readonly { name: NumberSetting; label: AdminMessageKey; min: number; max: number }[] = [
  { name: 'sessionIdleMinutes', label: 'settings.sessionIdle', min: 5, max: 43_200 },
  { name: 'sessionMaxHours', label: 'settings.sessionMax', min: 1, max: 2_160 },
  { name: 'urgentReminderMinutes', label: 'settings.urgentEvery', min: 1, max: 60 },
  { name: 'urgentReminderCount', label: 'settings.urgentCount', min: 0, max: 30 },
  { name: 'auditDays', label: 'settings.auditDays', min: 30, max: 3650 },
  { name: 'editWindowMinutes', label: 'settings.editWindow', min: 0, max: 1440 },
];

/**
 * "Réglages de la clinique": session lifetimes, urgent reminders, how long the audit trail is kept,
 * who may be in a conversation with a patient. Applied on every gateway within seconds.
 */
export function ClinicSettingsSection() {
  const [settings, setSettings] = useState<ClinicSettings | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    loadSettings().then(setSettings, (error: unknown) => setStatus(tError(error)));
  }, []);

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!settings || busy) return;
    setBusy(true);
    setStatus(null);
    try {
      setSettings(await saveSettings(settings));
      setStatus(t('settings.saved'));
    } catch (error) {
      setStatus(tError(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="admin-section" aria-labelledby="clinic-settings-title">
      <h1 id="clinic-settings-title">{t('admin.settings')}</h1>
      {settings && (
        <form class="admin-form" data-testid="clinic-settings-form" onSubmit={(event) => void save(event)}>
          <div class="admin-form__grid">
            {NUMBERS.map(({ name, label, min, max }) => (
              <label class="field" key={name}>
                <span>{t(label)}</span>
                <input
                  type="number"
                  name={name}
                  required
                  min={min}
                  max={max}
                  step={1}
                  value={settings[name] ?? ''}
                  onInput={(e) => setSettings({ ...settings, [name]: Number(e.currentTarget.value) })}
                />
              </label>
            ))}
            <label class="field">
              <span>{t('settings.patients')}</span>
              <select
                name="patientConversations"
                value={settings.patientConversations}
                onChange={(e) => setSettings({ ...settings, patientConversations: e.currentTarget.value as ClinicSettings['patientConversations'] })}
              >
                <option value="staff">{t('settings.patientsStaff')}</option>
                <option value="clinicians">{t('settings.patientsClinicians')}</option>
              </select>
            </label>
          </div>
          <p class="hint">{t.count('settings.urgentHint', settings.urgentReminderMinutes * settings.urgentReminderCount)}</p>
          <div class="admin-form__actions">
            <button type="submit" class="button button--primary" data-testid="clinic-settings-save" disabled={busy}>
              {t('settings.save')}
            </button>
          </div>
        </form>
      )}
      {status && (
        <p role="status" data-testid="clinic-settings-status">
          {status}
        </p>
      )}
    </section>
  );
}
