import { t } from '../core/i18n/index.ts';
import { acceptUpdate, updateAvailable } from '../core/register-sw.ts';

/** "Nouvelle version disponible": the new service worker waits until the user accepts. */
export function UpdatePrompt() {
  if (!updateAvailable.value) return null;
  return (
    <div class="update-prompt" role="status" data-testid="update-prompt">
      <span>{t('update.available')}</span>
      <button type="button" class="button" data-testid="update-accept" onClick={acceptUpdate}>
        {t('update.accept')}
      </button>
    </div>
  );
}
