import { translator } from '../../core/i18n/translator.ts';
import { adminEn } from './admin-en.ts';
import { adminFr, type AdminMessageKey } from './admin-fr.ts';

/** `t()` for the admin console's own catalogue (imported only by the lazily loaded console). */
export const tAdmin = translator<AdminMessageKey>({ fr: adminFr, en: adminEn });
