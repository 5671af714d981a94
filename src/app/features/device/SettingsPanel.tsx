import { useEffect, useRef, useState } from 'preact/hooks';
import type { StorageInfo, UserSettings } from '../../../shared/local-model.ts';
import { formatBytes, lang, tError } from '../../core/i18n/index.ts';
import { tDevice as t } from './device-i18n.ts';
import { request } from '../../core/sw-client.ts';
import { settingsOpen } from './device.ts';
import { lockMinutes } from './auto-lock.ts';
import { AccountSection } from './AccountSection.tsx';
import { TwoFactorSection } from './TwoFactorSection.tsx';

type NumberField = 'messagesDays' | 'notificationsDays' | 'callsDays';
const RETENTION_FIELDS: NumberField[] = ['messagesDays', 'notificationsDays', 'callsDays'];

/** The device settings (loaded on demand): storage use, local retention, auto-lock delay; then my account (AccountSection) and its two-step verification (TwoFactorSection). */
export function SettingsPanel() {
  const dialog = useRef<HTMLDialogElement>(null);
  const [storage, setStorage] = useState<StorageInfo | null>(null);
  const [settings, setSettings] = useState<UserSettings | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const close = (): void => {
    settingsOpen.value = false;
  };

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    request('storage.estimate').then(setStorage, () => undefined);
    request('settings.get').then(setSettings, (error: unknown) => setStatus(tError(error)));
  }, []);

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!settings) return;
    try {
      const saved = await request('settings.set', settings);
      lockMinutes.value = saved.lockMinutes;
      setStatus(t('settings.saved'));
    } catch (error) {
      setStatus(tError(error));
    }
  };

  const numberInput = (value: number, max: number, onValue: (n: number) => void, testId: string) => (
    <input
      type="number"
      inputMode="numeric"
      min={1}
      max={max}
      required
      data-testid={testId}
      value={value}
      onInput={(event) => {
        const n = Number(event.currentTarget.value);
        if (Number.isInteger(n) && n >= 1 && n <= max) onValue(n);
      }}
    />
  );

  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby="settings-title"
      data-testid="settings-panel"
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      <form class="dialog__body" onSubmit={(event) => void save(event)}>
        <h2 id="settings-title">{t('settings.title')}</h2>
        <section>
          <h3>{t('settings.storage')}</h3>
          <p data-testid="storage-use">
            {storage?.usage != null && storage.quota != null
              ? t('settings.storageUse', { used: formatBytes(storage.usage, lang.value), quota: formatBytes(storage.quota, lang.value) })
              : t('settings.storageUnknown')}
          </p>
          {storage?.persisted != null && <p>{storage.persisted ? t('settings.persisted') : t('settings.notPersisted')}</p>}
        </section>
        {settings && (
          <fieldset>
            <legend>{t('settings.retention')}</legend>
            <p class="hint">{t('settings.retentionHint')}</p>
            {RETENTION_FIELDS.map((key) => (
              <label class="field" key={key}>
                <span>{t(`settings.${key}`)}</span>
                {numberInput(settings.retention[key], 3650, (n) => setSettings({ ...settings, retention: { ...settings.retention, [key]: n } }), `settings-${key}`)}
              </label>
            ))}
          </fieldset>
        )}
        {settings && (
          <label class="field">
            <span>{t('settings.lockMinutes')}</span>
            {numberInput(settings.lockMinutes, 240, (n) => setSettings({ ...settings, lockMinutes: n }), 'settings-lockMinutes')}
          </label>
        )}
        {status && (
          <p role="status" data-testid="settings-status">
            {status}
          </p>
        )}
        <div class="dialog__actions">
          <button type="button" class="button button--ghost" onClick={close}>
            {t('settings.close')}
          </button>
          <button type="submit" class="button button--primary" data-testid="settings-save" disabled={!settings}>
            {t('settings.save')}
          </button>
        </div>
      </form>
      <div class="dialog__body">
        <AccountSection />
        <TwoFactorSection />
      </div>
    </dialog>
  );
}
