import { useEffect, useState } from 'preact/hooks';
import { OpenUrgentReply, type OpenUrgent } from '../../../shared/http.ts';
import { focusMessageId } from '../../core/focus.ts';
import { formatMessageTime, lang, tError } from '../../core/i18n/index.ts';
import { tChat } from '../../core/i18n/chat.ts';
import { navigate } from '../../core/route.ts';
import { online } from '../../core/sync.ts';

/** Reads my urgent messages still waiting for an answer from the gateway (online only: the answers are the gateway's). */
async function loadOpenUrgent(): Promise<OpenUrgent[]> {
  const reply = await fetch('/api/urgent/open', { credentials: 'same-origin' });
  if (!reply.ok) throw new Error('unavailable');
  return OpenUrgentReply.parse(await reply.json()).urgent;
}

/**
 * Under the *Urgentes* filter, for whoever may send urgent messages: mine that someone has not
 * answered yet ("Pris en compte" / "Je prends en charge"), with who is still awaited; a tap opens the
 * conversation at that message. Asked again each time the filter shows it.
 */
export function OpenUrgentPanel() {
  const [open, setOpen] = useState<OpenUrgent[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const isOnline = online.value;
  useEffect(() => {
    if (!isOnline) return;
    loadOpenUrgent().then(setOpen, setError);
  }, [isOnline]);
  const now = Date.now();
  return (
    <section class="open-urgent" data-testid="open-urgent" aria-labelledby="open-urgent-title">
      <h2 id="open-urgent-title" class="open-urgent__title">
        {tChat('openUrgent.title')}
      </h2>
      {!isOnline ? (
        <p class="hint">{tChat('openUrgent.offline')}</p>
      ) : error !== null ? (
        <p role="alert" class="error">
          {tError(error)}
        </p>
      ) : open === null ? (
        <p class="hint">{tChat('openUrgent.loading')}</p>
      ) : open.length === 0 ? (
        <p class="hint" data-testid="open-urgent-none">
          {tChat('openUrgent.none')}
        </p>
      ) : (
        <ul class="open-urgent__list">
          {open.map((item) => (
            <li key={item.messageId}>
              <a
                href={`/c/${item.conversationId}`}
                class="open-urgent__item"
                data-testid="open-urgent-item"
                onClick={(event) => {
                  event.preventDefault();
                  focusMessageId.value = item.messageId;
                  navigate(`/c/${item.conversationId}`);
                }}
              >
                <strong>{item.title ?? tChat('openUrgent.direct', { names: [...item.waiting, ...item.answered].map((p) => p.displayName).join(', ') })}</strong>
                <span>
                  {tChat('openUrgent.sent', { time: formatMessageTime(item.sentAt, now, lang.value) })} · {tChat('ack.waiting', { names: item.waiting.map((w) => w.displayName).join(', ') })}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
