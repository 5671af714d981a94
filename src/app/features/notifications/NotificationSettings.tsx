import { useEffect, useState } from 'preact/hooks';
import type { NotificationPreferences } from '../../../shared/push.ts';
import { tNotify as t } from './notify.ts';
import { lang, t as tShell, tError } from '../../core/i18n/index.ts';
import { conversationTitle } from '../../ui/display.ts';
import { conversations } from '../conversations/conversations.ts';
import { currentUserId } from '../../core/session.ts';
import { preferences } from './notification-features.ts';
import { fetchPreferences, savePreferences } from './push-api.ts';
import { NotificationPermissionState } from './NotificationPrompt.tsx';

/** Notification preferences (saved on the server, the same on every device of the user). */
export function NotificationSettings() {
  const [prefs, setPrefs] = useState<NotificationPreferences | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  useEffect(() => {
    fetchPreferences().then(setPrefs, (error: unknown) => setStatus(tError(error)));
  }, []);
  if (!prefs) return status ? <p role="alert">{status}</p> : null;

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    try {
      const saved = await savePreferences({ ...prefs, lang: lang.value });
      setPrefs(saved);
      preferences.value = saved;
      setStatus(t('prefs.saved'));
    } catch (error) {
      setStatus(tError(error));
    }
  };
  const quiet = prefs.quietHours;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const toggleMuted = (conversationId: string, muted: boolean): void =>
    setPrefs({ ...prefs, muted: muted ? [...prefs.muted, conversationId] : prefs.muted.filter((id) => id !== conversationId) });

  return (
    <form class="notification-settings" data-testid="notification-settings" onSubmit={(event) => void save(event)}>
      <NotificationPermissionState />
      <label>
        <input type="checkbox" data-testid="prefs-preview" checked={prefs.showPreview} onChange={(e) => setPrefs({ ...prefs, showPreview: e.currentTarget.checked })} />
        {t('prefs.showPreview')}
      </label>
      <p class="hint">{t('prefs.showPreviewHint')}</p>
      <label>
        <input type="checkbox" data-testid="prefs-sound" checked={prefs.sound} onChange={(e) => setPrefs({ ...prefs, sound: e.currentTarget.checked })} />
        {t('prefs.sound')}
      </label>
      <fieldset>
        <legend>
          <label>
            <input
              type="checkbox"
              data-testid="prefs-quiet"
              checked={quiet !== null}
              onChange={(e) => setPrefs({ ...prefs, quietHours: e.currentTarget.checked ? { start: '22:00', end: '07:00', timeZone: zone } : null })}
            />
            {t('prefs.quietHours')}
          </label>
        </legend>
        {quiet && (
          <p>
            {t('prefs.quietFrom')}{' '}
            <input type="time" required value={quiet.start} onInput={(e) => setPrefs({ ...prefs, quietHours: { ...quiet, start: e.currentTarget.value, timeZone: zone } })} />{' '}
            {t('prefs.quietTo')}{' '}
            <input type="time" required value={quiet.end} onInput={(e) => setPrefs({ ...prefs, quietHours: { ...quiet, end: e.currentTarget.value, timeZone: zone } })} />
          </p>
        )}
        <p class="hint">{t('prefs.quietHint')}</p>
      </fieldset>
      <fieldset>
        <legend>{t('prefs.muted')}</legend>
        <p class="hint">{t('prefs.mutedHint')}</p>
        {conversations.value.map(({ conversation }) => (
          <label key={conversation.id}>
            <input type="checkbox" checked={prefs.muted.includes(conversation.id)} onChange={(e) => toggleMuted(conversation.id, e.currentTarget.checked)} />
            {conversationTitle(conversation, currentUserId.value, { untitled: '—', deleted: tShell('user.deleted') })}
          </label>
        ))}
      </fieldset>
      {status && <p role="status">{status}</p>}
      <button type="submit" class="button button--primary" data-testid="prefs-save">
        {t('prefs.save')}
      </button>
    </form>
  );
}
