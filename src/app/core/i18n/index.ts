export { t, tCount, tError, lang, setLang, detectLang, locale } from './i18n.ts';
export type { Lang } from './i18n.ts';
export type { MessageKey } from './fr.ts';
export { formatMessageTime } from './format.ts';
