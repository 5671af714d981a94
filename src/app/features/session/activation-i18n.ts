import { translator } from '../../core/i18n/translator.ts';
import { activationEn } from './activation-en.ts';
import { activationFr, type ActivationMessageKey } from './activation-fr.ts';

/** `t()` for the activation form's own catalogue (imported only by the lazily loaded form). */
export const tActivation = translator<ActivationMessageKey>({ fr: activationFr, en: activationEn });
