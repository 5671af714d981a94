import { translator } from '../../core/i18n/translator.ts';
import { oncallEn } from './oncall-en.ts';
import { oncallFr, type OncallMessageKey } from './oncall-fr.ts';

/** `t()` for the "Gardes et fonctions" tab (imported only by the lazily loaded console). */
export const tOncall = translator<OncallMessageKey>({ fr: oncallFr, en: oncallEn });
