import { useRef, useState } from 'preact/hooks';
import type { LocalMessage } from '../../../../shared/local-model.ts';
import { LIMITS } from '../../../../shared/limits.ts';
import { formatMessageTime, lang, tError } from '../../../core/i18n/index.ts';
import { tChat } from '../../../core/i18n/chat.ts';
import { request } from '../../../core/sw-client.ts';
import { currentUser } from '../../../core/session.ts';
import { ConfirmDialog } from '../../../ui/ConfirmDialog.tsx';
import { useModalDialog } from '../../../ui/modal-dialog.ts';
import { editWindowMinutes } from '../edit-window.ts';

/**
 * Editing and withdrawing one's own message (`message.edit`, `message.redact`, through the SW's
 * outbox: offline too, shown at once), and what every member sees of it: "modifié" opening the
 * versions, or "Message retiré par …" in its place.
 */

/** The text a message shows now: my edit waiting to be sent, else its last version. */
export function shownBody(message: LocalMessage): string {
  return message.pendingBody ?? message.body;
}

/** True while its author may still edit it (the clinic's window, as /api/me said; the gateway decides). */
export function editable(message: LocalMessage, now: number): boolean {
  return message.kind !== 'system' && !message.redacted && message.status === 'sent' && now - message.time < editWindowMinutes.value * 60_000;
}

/** "Modifier" (while the window is open) and "Retirer" (with a confirmation) under my own sent message. */
export function OwnActions({ message, now, onEdit }: { message: LocalMessage; now: number; onEdit(): void }) {
  const [confirming, setConfirming] = useState(false);
  if (message.kind === 'system' || message.redacted || message.status !== 'sent') return null;
  return (
    <span class="message__actions">
      {editable(message, now) && (
        <button type="button" class="link-button" data-testid="edit-button" onClick={onEdit}>
          {tChat('chat.edit')}
        </button>
      )}
      <button type="button" class="link-button" data-testid="redact-button" onClick={() => setConfirming(true)}>
        {tChat('chat.redact')}
      </button>
      {confirming && (
        <ConfirmDialog
          title={tChat('chat.redactTitle')}
          message={tChat('chat.redactText', { name: currentUser.value?.displayName ?? '' })}
          confirmLabel={tChat('chat.redactConfirm')}
          cancelLabel={tChat('chat.editCancel')}
          danger
          testId="redact-dialog"
          onConfirm={async () => {
            await request('conversation.act', { kind: 'message.redact', conversationId: message.conversationId, messageId: message.messageId });
          }}
          errorText={(error) => tError((error as { code?: string }).code ?? 'internal')}
          onClose={() => setConfirming(false)}
        />
      )}
    </span>
  );
}

/** The inline editor that takes the bubble's text while I edit it. */
export function MessageEditor({ message, onClose }: { message: LocalMessage; onClose(): void }) {
  const [text, setText] = useState(shownBody(message));
  const [failure, setFailure] = useState<string | null>(null);
  const empty = text.trim() === '' && !message.attachments?.length;
  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (empty) return;
    if (text === shownBody(message)) return onClose();
    try {
      await request('conversation.act', { kind: 'message.edit', conversationId: message.conversationId, messageId: message.messageId, body: text });
      onClose();
    } catch (error) {
      setFailure(tError((error as { code?: string }).code ?? 'internal'));
    }
  };
  return (
    <form class="message-editor" data-testid="message-editor" onSubmit={(event) => void save(event)}>
      <label class="visually-hidden" for={`edit-${message.messageId}`}>
        {tChat('chat.editLabel')}
      </label>
      <textarea
        id={`edit-${message.messageId}`}
        class="message-editor__text"
        data-testid="message-editor-text"
        value={text}
        maxLength={LIMITS.MESSAGE_BODY_MAX}
        rows={Math.min(6, text.split('\n').length + 1)}
        ref={(element) => element?.focus()}
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onClose();
        }}
      />
      {failure !== null && (
        <p role="alert" class="error">
          {failure}
        </p>
      )}
      <span class="message-editor__actions">
        <button type="button" class="button button--small" onClick={onClose}>
          {tChat('chat.editCancel')}
        </button>
        <button type="submit" class="button button--small button--primary" data-testid="message-editor-save" disabled={empty}>
          {tChat('chat.editSave')}
        </button>
      </span>
    </form>
  );
}

/** The versions of an edited message, oldest first, each with when it was written; the current one last. */
function VersionsDialog({ message, now, onClose }: { message: LocalMessage; now: number; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const close = useRef<HTMLButtonElement>(null);
  useModalDialog(dialog, { onCancel: onClose, initialFocus: close });
  const at = (time: number) => formatMessageTime(time, now, lang.value);
  return (
    <dialog ref={dialog} class="dialog versions-dialog" aria-labelledby={`versions-${message.messageId}`} data-testid="versions-dialog">
      <div class="dialog__body">
        <h2 id={`versions-${message.messageId}`} class="dialog__title">
          {tChat('chat.versionsTitle')}
        </h2>
        <ol class="versions">
          {(message.versions ?? []).map((version, i) => (
            <li key={i} class="versions__item" data-testid="version">
              <span class="versions__time">{tChat('chat.versionAt', { time: at(version.time) })}</span>
              <p class="versions__body">{version.body}</p>
            </li>
          ))}
          <li class="versions__item versions__item--current" data-testid="version-current">
            <span class="versions__time">{tChat('chat.versionCurrent', { time: at(message.editedAt ?? message.time) })}</span>
            <p class="versions__body">{message.body}</p>
          </li>
        </ol>
        <div class="dialog__actions">
          <button ref={close} type="button" class="button" onClick={onClose}>
            {tChat('chat.versionsClose')}
          </button>
        </div>
      </div>
    </dialog>
  );
}

/** "modifié" (a button: the versions), or "modification en attente" while my edit waits in the outbox. */
export function EditedMark({ message, now }: { message: LocalMessage; now: number }) {
  const [open, setOpen] = useState(false);
  if (message.pendingBody !== undefined) {
    return (
      <span class="message__edited" data-testid="edit-pending">
        {tChat('chat.editPending')}
      </span>
    );
  }
  if (message.editedAt === undefined || message.redacted) return null;
  return (
    <>
      <button type="button" class="link-button message__edited" data-testid="edited-mark" aria-label={tChat('chat.editedLabel')} onClick={() => setOpen(true)}>
        {tChat('chat.edited')}
      </button>
      {open && <VersionsDialog message={message} now={now} onClose={() => setOpen(false)} />}
    </>
  );
}
