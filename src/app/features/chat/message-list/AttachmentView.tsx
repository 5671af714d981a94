import { useEffect, useState } from 'preact/hooks';
import type { LocalMessage } from '../../../../shared/local-model.ts';
import { tChat } from '../../../core/i18n/chat.ts';
import { formatBytes, lang } from '../../../core/i18n/index.ts';
import { request } from '../../../core/sw-client.ts';
import { viewedFile } from '../viewer/viewed-file.ts';

type LocalAttachment = NonNullable<LocalMessage['attachments']>[number];

/** An object URL for a file still kept by the SW (attached offline, maybe not uploaded yet). */
function useLocalFile(localId: string | undefined): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!localId) return;
    let objectUrl: string | null = null;
    let active = true;
    request('file.get', { localId }).then(
      ({ bytes, mime }) => {
        if (!active) return;
        objectUrl = URL.createObjectURL(new Blob([bytes], { type: mime }));
        setUrl(objectUrl);
      },
      () => undefined,
    );
    return () => {
      active = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [localId]);
  return url;
}

/**
 * An attached image (its thumbnail) or PDF (its name and size): a plain click or Enter opens it in the
 * in-app viewer (never a raw file in a new tab); the link stays for a modified click (save, new window).
 */
export function AttachmentView({ conversationId, attachment }: { conversationId: string; attachment: LocalAttachment }) {
  const local = useLocalFile(attachment.id === undefined || attachment.localId !== undefined ? attachment.localId : undefined);
  const remote = attachment.id ? `/api/attachments/${conversationId}/${attachment.id}` : null;
  const full = local ?? remote;
  const preview = local ?? (attachment.thumbId ? `/api/attachments/${conversationId}/${attachment.thumbId}` : remote);
  const open = (event: MouseEvent): void => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    const { name, mime, size, id, localId } = attachment;
    viewedFile.value = {
      conversationId,
      name,
      mime,
      size,
      ...(id === undefined ? {} : { id }),
      ...(localId === undefined ? {} : { localId }),
      opener: event.currentTarget as HTMLElement,
    };
  };
  if (attachment.mime === 'application/pdf') {
    return (
      <a class="attachment attachment--file" data-testid="attachment" href={full ?? undefined} download={attachment.name} onClick={open}>
        {tChat('chat.pdf', { name: attachment.name, size: formatBytes(attachment.size, lang.value) })}
      </a>
    );
  }
  return (
    <a class="attachment attachment--image" data-testid="attachment" href={full ?? undefined} onClick={open}>
      {preview ? (
        <img src={preview} alt={attachment.name} width={attachment.width} height={attachment.height} loading="lazy" data-testid="attachment-image" />
      ) : (
        <span>{attachment.name}</span>
      )}
    </a>
  );
}
