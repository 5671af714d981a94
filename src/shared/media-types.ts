/**
 * The file types Relais accepts, as MIME types: the one list the composer's picker, the service
 * worker's request schema, the gateway's byte sniffing and the stored attachment schema share.
 * Apart from the schemas so that the app shell can use it without bundling zod.
 */

/** What can be attached to a message: images and PDF documents. */
export const ATTACHMENT_MIME_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf'] as const;
export type AttachmentMime = (typeof ATTACHMENT_MIME_TYPES)[number];

/** What a client-made preview image of an attached picture may be. */
export const THUMBNAIL_MIME_TYPES = ['image/jpeg', 'image/webp', 'image/png'] as const;

/** True for an accepted attachment type. */
export function isAttachmentMime(value: unknown): value is AttachmentMime {
  return (ATTACHMENT_MIME_TYPES as readonly unknown[]).includes(value);
}
