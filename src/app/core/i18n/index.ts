export { loadEnglish, t, tCount, tError } from './i18n.ts';
export { lang, setLang, detectLang, locale } from './lang.ts';
export type { Lang } from './lang.ts';
export type { MessageKey } from './fr.ts';
export { formatBytes, formatMessageTime, formatNumber } from './format.ts';
