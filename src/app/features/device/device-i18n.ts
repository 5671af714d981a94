import { deviceEn } from './device-en.ts';
import { deviceFr, type DeviceMessageKey } from './device-fr.ts';
import { lang, type Lang } from '../../core/i18n/i18n.ts';

/** `t()` for the device screens' own catalogue (imported only by lazily loaded screens). */
export function tDevice(key: DeviceMessageKey, params?: Record<string, string | number>, l: Lang = lang.value): string {
  const template = (l === 'fr' ? deviceFr : deviceEn)[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}
