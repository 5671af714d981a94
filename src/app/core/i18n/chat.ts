import { chatEn } from './chat-en.ts';
import { chatFr, type ChatMessageKey } from './chat-fr.ts';
import { translator } from './translator.ts';

/** `t()` for the conversation screen and its panels' own catalogue (imported only by lazily loaded chunks). */
export const tChat = translator<ChatMessageKey>({ fr: chatFr, en: chatEn });
