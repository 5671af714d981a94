import { useEffect, useState } from 'preact/hooks';
import { LIMITS } from '../../../shared/limits.ts';
import type { SearchHit } from '../../../shared/local-model.ts';
import { conversationTitle } from '../../ui/display.ts';
import { formatMessageTime, lang, t, tError } from '../../core/i18n/index.ts';
import { tChat } from '../../core/i18n/chat.ts';
import { conversations } from './conversations.ts';
import { focusMessageId } from '../../core/focus.ts';
import { navigate } from '../../core/route.ts';
import { currentUserId } from '../../core/session.ts';
import { request } from '../../core/sw-client.ts';

const SEARCH_DEBOUNCE_MS = 200;

/** The snippet with the match in <mark> (text nodes only, never HTML). */
function Snippet({ hit }: { hit: SearchHit }) {
  const end = hit.matchStart + hit.matchLength;
  return (
    <span class="search-hit__snippet">
      {hit.snippet.slice(0, hit.matchStart)}
      <mark>{hit.snippet.slice(hit.matchStart, end)}</mark>
      {hit.snippet.slice(end)}
    </span>
  );
}

/**
 * Local search (works offline: the SW searches its own store), accent- and case-insensitive.
 * Choosing a hit opens its conversation at that message.
 */
export function SearchPanel({ onClose }: { onClose(): void }) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const myId = currentUserId.value;

  useEffect(() => {
    const q = query.trim();
    if (q === '') return setHits(null);
    let active = true;
    const timer = setTimeout(() => {
      request('search', { q: q.slice(0, LIMITS.SEARCH_QUERY_MAX) }).then(
        (reply) => {
          if (active) setHits(reply.hits);
        },
        (failure: unknown) => active && setError(failure),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      active = false;
      clearTimeout(timer);
    };
  }, [query]);

  const titleOf = (conversationId: string): string => {
    const summary = conversations.value.find((s) => s.conversation.id === conversationId);
    return summary ? conversationTitle(summary.conversation, myId, { untitled: t('list.untitled'), deleted: t('user.deleted') }) : t('list.untitled');
  };
  const now = Date.now();
  return (
    <section class="search-panel" data-testid="search-panel" aria-label={tChat('search.title')}>
      <div class="search-panel__row">
        <input
          type="search"
          class="search-panel__input"
          data-testid="search-input"
          placeholder={tChat('search.placeholder')}
          aria-label={tChat('search.title')}
          value={query}
          maxLength={LIMITS.SEARCH_QUERY_MAX}
          autoFocus
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
        <button type="button" class="button button--small" onClick={onClose}>
          {tChat('panel.close')}
        </button>
      </div>
      {error !== null && <p role="alert" class="error">{tError(error)}</p>}
      {hits !== null && hits.length === 0 && <p class="pane__empty">{tChat('search.none')}</p>}
      {hits !== null && hits.length > 0 && (
        <ul class="search-results">
          {hits.map((hit) => (
            <li key={`${hit.conversationId}:${hit.messageId ?? 'title'}`}>
              <button
                type="button"
                class="search-hit"
                data-testid="search-hit"
                data-message-id={hit.messageId ?? ''}
                onClick={() => {
                  focusMessageId.value = hit.messageId;
                  navigate(`/c/${hit.conversationId}`);
                  onClose();
                }}
              >
                <span class="search-hit__top">
                  <strong>{titleOf(hit.conversationId)}</strong>
                  <time>{formatMessageTime(hit.time, now, lang.value)}</time>
                </span>
                <Snippet hit={hit} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
