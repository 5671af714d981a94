import { translator } from '../../core/i18n/translator.ts';
import { notifyEn } from './notify-en.ts';
import { notifyFr, type NotifyMessageKey } from './notify-fr.ts';

/** `t()` for the notification screens' own catalogue (imported only by lazily loaded code). */
export const tNotify = translator<NotifyMessageKey>({ fr: notifyFr, en: notifyEn });
