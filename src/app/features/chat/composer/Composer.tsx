import { pendingIntent, takeIntent } from '../../../core/intent.ts';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { LIMITS } from '../../../../shared/limits.ts';
import { ATTACHMENT_MIME_TYPES } from '../../../../shared/media-types.ts';
import type { FileUpload } from '../../../../shared/sw-requests.ts';
import type { LocalMessage } from '../../../../shared/local-model.ts';
import { isSendable, showCounter } from '../../../ui/display.ts';
import type { SendExtras } from '../use-chat.ts';
import { tError } from '../../../core/i18n/index.ts';
import { tChat } from '../../../core/i18n/chat.ts';
import { userCan } from '../../../core/session.ts';
import { sendFrame } from '../../../core/realtime.ts';
import { createTypingThrottle } from './typing-throttle.ts';
import { request } from '../../../core/sw-client.ts';
import { toUpload } from './upload.ts';
import { quotePreview } from '../quote.ts';

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
export function Composer({
  conversationId,
  onSend,
  replyTo,
  replyName,
  onCancelReply,
}: {
  conversationId: string;
  onSend(body: string, extra?: SendExtras): Promise<LocalMessage>;
  /** The message being answered (this device's copy: the preview shows its text). */
  replyTo?: LocalMessage | null;
  replyName?: string;
  onCancelReply?(): void;
}) {
  const [text, setText] = useState('');
  const [urgent, setUrgent] = useState(false);
  const [files, setFiles] = useState<FileUpload[]>([]);
  const mayType = useMemo(() => createTypingThrottle(), [conversationId]);
  const [error, setError] = useState<string | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  const pendingSave = useRef<{ timer: ReturnType<typeof setTimeout>; conversationId: string; text: string } | null>(null);
  const typed = useRef(false);

  // "Répondre" on a notification: the composer of that conversation takes the focus.
  const intent = pendingIntent.value;
  useEffect(() => {
    if (intent && takeIntent(conversationId, 'reply')) field.current?.focus();
  }, [conversationId, intent]);

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
    // "Dr Martin écrit…" on the other side: at most one signal per 3 s, never stored.
    if (value !== '' && mayType()) sendFrame({ type: 'typing', conversationId });
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

  const canSend = isSendable(text) || (files.length > 0 && text.length <= LIMITS.MESSAGE_BODY_MAX);

  const pick = (list: FileList | null): void => {
    const picked = [...(list ?? [])].slice(0, LIMITS.ATTACHMENTS_MAX - files.length);
    Promise.all(picked.map(toUpload)).then(
      (uploads) => {
        setError(null);
        setFiles((current) => [...current, ...uploads]);
      },
      (failure: unknown) => setError(tError(failure)),
    );
  };

  const send = (): void => {
    if (!canSend) return;
    const body = text.trim() === '' ? '' : text;
    const extra: SendExtras = {
      ...(urgent ? { urgent: true } : {}),
      ...(replyTo ? { replyTo: { messageId: replyTo.messageId } } : {}),
      ...(files.length > 0 ? { files } : {}),
    };
    setFiles([]);
    setUrgent(false);
    onCancelReply?.();
    if (pendingSave.current) clearTimeout(pendingSave.current.timer);
    pendingSave.current = null;
    setText('');
    setError(null);
    saveDraft(conversationId, '');
    onSend(body, extra).catch((failure: unknown) => {
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
      {replyTo && (
        <p class="composer__reply" data-testid="composer-reply">
          <span>{tChat('composer.replyingTo', { name: replyName ?? '' })} « {quotePreview(replyTo)} »</span>
          <button type="button" class="link-button" onClick={onCancelReply}>
            {tChat('composer.cancelReply')}
          </button>
        </p>
      )}
      {files.length > 0 && (
        <ul class="composer__files" data-testid="composer-files">
          {files.map((file, i) => (
            <li key={i}>
              {file.name}{' '}
              <button type="button" class="link-button" onClick={() => setFiles(files.filter((_, j) => j !== i))}>
                {tChat('composer.removeFile', { name: file.name })}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="composer__row">
        <label class="button button--ghost composer__attach" title={tChat('composer.attach')}>
          <span class="visually-hidden">{tChat('composer.attach')}</span>
          <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22">
            <path fill="currentColor" d="M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z" />
          </svg>
          <input
            type="file"
            class="visually-hidden"
            data-testid="composer-file"
            accept={ATTACHMENT_MIME_TYPES.join(',')}
            multiple
            onChange={(event) => {
              pick(event.currentTarget.files);
              event.currentTarget.value = '';
            }}
          />
        </label>
        <label class="visually-hidden" for="composer-input">
          {tChat('composer.label')}
        </label>
        <textarea
          id="composer-input"
          ref={field}
          class="composer__input"
          data-testid="composer-input"
          rows={1}
          maxLength={LIMITS.MESSAGE_BODY_MAX}
          placeholder={tChat('composer.placeholder')}
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
        <button type="submit" class="button button--primary composer__send" data-testid="composer-send" aria-label={tChat('composer.send')} disabled={!canSend}>
          <svg aria-hidden="true" viewBox="0 0 24 24" width="24" height="24">
            <path fill="currentColor" d="M3 20.5v-6l8-2.5-8-2.5v-6L22 12z" />
          </svg>
        </button>
      </div>
      <p class="composer__meta">
        {userCan('message.urgent') && (
          <label class="composer__urgent">
            <input type="checkbox" data-testid="composer-urgent" checked={urgent} onChange={(event) => setUrgent(event.currentTarget.checked)} />{' '}
            {tChat('composer.urgent')}
          </label>
        )}
        <span id="composer-hint" class="composer__hint">
          {tChat('composer.hint')}
        </span>
        {showCounter(text.length) && (
          <span class="composer__counter" aria-live="polite">
            {tChat('composer.counter', { count: text.length, max: LIMITS.MESSAGE_BODY_MAX })}
          </span>
        )}
      </p>
    </form>
  );
}
