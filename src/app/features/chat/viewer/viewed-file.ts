import { signal } from '@preact/signals';
import type { AttachmentMime } from '../../../../shared/media-types.ts';

/** An attachment opened in the in-app viewer: its server id once uploaded, its local id while the SW keeps the file. */
export interface ViewedFile {
  conversationId: string;
  name: string;
  mime: AttachmentMime;
  size: number;
  id?: string;
  localId?: string;
  /** What had the focus (the attachment): it gets it back when the viewer closes. */
  opener: HTMLElement | null;
}

/** The file the viewer shows, if any (one viewer per page, above the conversation). */
export const viewedFile = signal<ViewedFile | null>(null);
