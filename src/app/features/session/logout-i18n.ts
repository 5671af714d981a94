import { translator } from '../../core/i18n/translator.ts';
import { logoutEn } from './logout-en.ts';
import { logoutFr, type LogoutMessageKey } from './logout-fr.ts';

/** `t()` for the sign-out dialog's own catalogue (imported only by the lazily loaded dialog). */
export const tLogout = translator<LogoutMessageKey>({ fr: logoutFr, en: logoutEn });
