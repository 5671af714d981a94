import { useEffect, useRef, useState } from 'preact/hooks';
import { LIMITS } from '../../shared/limits.ts';
import type { LocalMessage } from '../../shared/sw-protocol.ts';
import { isSendable, showCounter } from '../display.ts';
import { t, tError } from '../i18n/index.ts';
import { request } from '../sw-client.ts';

/** Wait this long after the last keystroke before saving the draft in the SW. */
const DRAFT_SAVE_MS = 400;

function saveDraft(conversationId: string, text: string): void {
  request('draft.set', { conversationId, text }).catch(() => {
    // A lost draft save only loses the draft, never a message.
  });
}

/**
 * The message field. Enter sends, Shift+Enter goes to the line; the draft is kept per conversation by
 * the SW (so it survives a reload) and restored when the conversation opens again.
 */
export function Composer({ conversationId, onSend }: { conversationId: string; onSend(body: string): Promise<LocalMessage> }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  const pendingSave = useRef<{ timer: ReturnType<typeof setTimeout>; conversationId: string; text: string } | null>(null);
  const typed = useRef(false);

  const flushDraft = (): void => {
    const pending = pendingSave.current;
    if (!pending) return;
    clearTimeout(pending.timer);
    pendingSave.current = null;
    saveDraft(pending.conversationId, pending.text);
  };

  // Restore this conversation's draft; save the previous one's before leaving it.
  useEffect(() => {
    typed.current = false;
    setText('');
    setError(null);
    let active = true;
    request('draft.get', { conversationId }).then(
      ({ text: draft }) => {
        if (active && !typed.current) setText(draft);
      },
      () => undefined,
    );
    return () => {
      active = false;
      flushDraft();
    };
  }, [conversationId]); // flushDraft only reads refs

  const onInput = (value: string): void => {
    typed.current = true;
    setText(value);
    if (pendingSave.current) clearTimeout(pendingSave.current.timer);
    pendingSave.current = {
      conversationId,
      text: value,
      timer: setTimeout(() => {
        pendingSave.current = null;
        saveDraft(conversationId, value);
      }, DRAFT_SAVE_MS),
    };
  };

  const send = (): void => {
    if (!isSendable(text)) return;
    const body = text;
    if (pendingSave.current) clearTimeout(pendingSave.current.timer);
    pendingSave.current = null;
    setText('');
    setError(null);
    saveDraft(conversationId, '');
    onSend(body).catch((failure: unknown) => {
      setError(tError(failure));
      // Give the text back rather than lose it.
      setText((current) => (current === '' ? body : current));
    });
    field.current?.focus();
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      {error && (
        <p class="error composer__error" role="alert">
          {error}
        </p>
      )}
      <div class="composer__row">
        <label class="visually-hidden" for="composer-input">
          {t('composer.label')}
        </label>
        <textarea
          id="composer-input"
          ref={field}
          class="composer__input"
          data-testid="composer-input"
          rows={1}
          maxLength={LIMITS.MESSAGE_BODY_MAX}
          placeholder={t('composer.placeholder')}
          aria-describedby="composer-hint"
          value={text}
          onInput={(event) => onInput(event.currentTarget.value)}
          onKeyDown={(event) => {
            // isComposing: Enter that confirms an IME composition must not send.
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              send();
            }
          }}
        />
        <button type="submit" class="button button--primary composer__send" data-testid="composer-send" aria-label={t('composer.send')} disabled={!isSendable(text)}>
          <svg aria-hidden="true" viewBox="0 0 24 24" width="24" height="24">
            <path fill="currentColor" d="M3 20.5v-6l8-2.5-8-2.5v-6L22 12z" />
          </svg>
        </button>
      </div>
      <p class="composer__meta">
        <span id="composer-hint" class="composer__hint">
          {t('composer.hint')}
        </span>
        {showCounter(text.length) && (
          <span class="composer__counter" aria-live="polite">
            {t('composer.counter', { count: text.length, max: LIMITS.MESSAGE_BODY_MAX })}
          </span>
        )}
      </p>
    </form>
  );
}
