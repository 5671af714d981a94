import { chatEn } from './chat-en.ts';
import { chatFr, type ChatMessageKey } from './chat-fr.ts';
import { lang, type Lang } from './i18n.ts';

/** `t()` for the conversation screen's own catalogue (imported only by lazily loaded chunks). */
export function tChat(key: ChatMessageKey, params?: Record<string, string | number>, l: Lang = lang.value): string {
  const template = (l === 'fr' ? chatFr : chatEn)[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}
