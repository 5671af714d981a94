import { lang, type Lang } from '../../core/i18n/i18n.ts';
import { notifyEn } from './notify-en.ts';
import { notifyFr, type NotifyMessageKey } from './notify-fr.ts';

/** `t()` for the notification screens' own catalogue (imported only by lazily loaded code). */
export function tNotify(key: NotifyMessageKey, params?: Record<string, string | number>, l: Lang = lang.value): string {
  const template: string = (l === 'fr' ? notifyFr : notifyEn)[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}
