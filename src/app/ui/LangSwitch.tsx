import { lang, setLang, t } from '../core/i18n/index.ts';

/** Toggle French / English; the choice is kept on this device. */
export function LangSwitch() {
  const next = lang.value === 'fr' ? 'en' : 'fr';
  return (
    <button type="button" class="button button--ghost" lang={next} aria-label={t('lang.switchToLabel')} onClick={() => setLang(next)}>
      {t('lang.switchTo')}
    </button>
  );
}
