import { translator } from '../../core/i18n/translator.ts';
import { statusEn } from './status-en.ts';
import { statusFr, type StatusMessageKey } from './status-fr.ts';

/** `t()` for availability statuses. */
export const tStatus = translator<StatusMessageKey>({ fr: statusFr, en: statusEn });
