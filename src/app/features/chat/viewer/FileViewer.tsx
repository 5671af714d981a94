import { useEffect, useRef, useState } from 'preact/hooks';
import { RelaisError } from '../../../../shared/errors.ts';
import { tChat } from '../../../core/i18n/chat.ts';
import { formatBytes, lang, locale, tError } from '../../../core/i18n/index.ts';
import { useModalDialog } from '../../../ui/modal-dialog.ts';
import { loadFile } from './file-source.ts';
import type { ViewedFile } from './viewed-file.ts';
import { FITTED, MAX_SCALE, MIN_SCALE, panBy, viewForKey, wheelFactor, ZOOM_STEP, zoomBy, type Point, type Sizes, type View } from './zoom.ts';
import './viewer.css';

/** An object URL for the file's bytes, revoked when the viewer closes; or why it could not be had. */
function useFileUrl(file: ViewedFile): { url: string | null; failure: unknown } {
  const [state, setState] = useState<{ url: string | null; failure: unknown }>({ url: null, failure: null });
  useEffect(() => {
    let active = true;
    let url: string | null = null;
    loadFile(file).then(
      (blob) => {
        if (!active) return;
        url = URL.createObjectURL(blob);
        setState({ url, failure: null });
      },
      (failure: unknown) => {
        if (active) setState({ url: null, failure });
      },
    );
    return () => {
      active = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [file]);
  return state;
}

const Icon = ({ d }: { d: string }) => (
  <svg aria-hidden="true" viewBox="0 0 24 24" width="24" height="24">
    <path fill="currentColor" d={d} />
  </svg>
);
const MINUS = 'M5 11h14v2H5z';
const PLUS = 'M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6z';
const DOWNLOAD = 'M11 4h2v8.2l3.3-3.3 1.4 1.4-5.7 5.7-5.7-5.7 1.4-1.4 3.3 3.3zM5 18h14v2H5z';

/**
 * The in-app file viewer (its own chunk, loaded when a file is first opened): a full-screen modal
 * dialog with the file's name, a download button and a close button (Escape too). An image is fitted
 * to the screen, zoomed with the buttons, the keyboard (+ − 0), the wheel or two fingers, and moved
 * when zoomed (drag, arrows); a PDF is shown by the browser's own viewer in a frame, or offered for
 * download where the browser has none. The bytes come from the device when the SW keeps them.
 */
export function FileViewer({ file, onClose }: { file: ViewedFile; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const close = useRef<HTMLButtonElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const image = useRef<HTMLImageElement>(null);
  const pointers = useRef(new Map<number, Point>());
  const [view, setView] = useState<View>(FITTED);
  const { url, failure } = useFileUrl(file);
  useModalDialog(dialog, { onCancel: onClose, initialFocus: close, opener: file.opener });
  const isImage = file.mime.startsWith('image/');
  const pdfShown = !isImage && navigator.pdfViewerEnabled !== false;

  const sizes = (): Sizes | null => {
    const img = image.current;
    const area = stage.current;
    if (!img || !area) return null;
    return { imageWidth: img.offsetWidth, imageHeight: img.offsetHeight, stageWidth: area.clientWidth, stageHeight: area.clientHeight };
  };
  const change = (next: (current: View, sizes: Sizes) => View): void => {
    const measured = sizes();
    if (measured) setView((current) => next(current, measured));
  };
  /** A point of the screen, from the stage's centre. */
  const fromCentre = (clientX: number, clientY: number): Point => {
    const box = stage.current?.getBoundingClientRect();
    return box ? { x: clientX - box.left - box.width / 2, y: clientY - box.top - box.height / 2 } : { x: 0, y: 0 };
  };
  const percent = new Intl.NumberFormat(locale(lang.value), { style: 'percent', maximumFractionDigits: 0 }).format(view.scale);

  const onPointerMove = (event: PointerEvent): void => {
    const known = pointers.current;
    const before = known.get(event.pointerId);
    if (!before) return;
    const now = { x: event.clientX, y: event.clientY };
    const other = [...known.entries()].find(([id]) => id !== event.pointerId)?.[1];
    known.set(event.pointerId, now);
    if (other) {
      // Two fingers: zoom by how much they spread, about their midpoint, and follow it.
      const spread = Math.hypot(now.x - other.x, now.y - other.y) / Math.max(1, Math.hypot(before.x - other.x, before.y - other.y));
      const mid = fromCentre((now.x + other.x) / 2, (now.y + other.y) / 2);
      change((current, measured) => panBy(zoomBy(current, spread, measured, mid), (now.x - before.x) / 2, (now.y - before.y) / 2, measured));
    } else {
      change((current, measured) => panBy(current, now.x - before.x, now.y - before.y, measured));
    }
  };
  const forget = (event: PointerEvent): void => {
    pointers.current.delete(event.pointerId);
  };

  return (
    <dialog
      ref={dialog}
      class="viewer"
      data-testid="file-viewer"
      data-kind={isImage ? 'image' : 'pdf'}
      aria-labelledby="viewer-title"
      aria-describedby={isImage ? 'viewer-help' : undefined}
      onKeyDown={(event) => {
        if (!isImage || event.ctrlKey || event.metaKey || event.altKey) return;
        const measured = sizes();
        const next = measured ? viewForKey(event.key, view, measured) : null;
        if (!next) return;
        event.preventDefault();
        setView(next);
      }}
    >
      <div class="viewer__bar">
        <h2 id="viewer-title" class="viewer__title" data-testid="viewer-title">
          <span class="viewer__name">{file.name}</span>
          <span class="viewer__size">{formatBytes(file.size, lang.value)}</span>
        </h2>
        <div class="viewer__tools">
          {isImage && (
            <>
              <button type="button" class="button viewer__button" data-testid="viewer-zoom-out" aria-label={tChat('viewer.zoomOut')} title={tChat('viewer.zoomOut')} aria-disabled={view.scale <= MIN_SCALE} onClick={() => change((current, measured) => zoomBy(current, 1 / ZOOM_STEP, measured))}>
                <Icon d={MINUS} />
              </button>
              <output class="viewer__zoom" data-testid="viewer-zoom" aria-label={tChat('viewer.zoom')} aria-live="polite">
                {percent}
              </output>
              <button type="button" class="button viewer__button" data-testid="viewer-zoom-in" aria-label={tChat('viewer.zoomIn')} title={tChat('viewer.zoomIn')} aria-disabled={view.scale >= MAX_SCALE} onClick={() => change((current, measured) => zoomBy(current, ZOOM_STEP, measured))}>
                <Icon d={PLUS} />
              </button>
              <button type="button" class="button viewer__button" data-testid="viewer-fit" aria-disabled={view.scale === 1} onClick={() => setView(FITTED)}>
                {tChat('viewer.fit')}
              </button>
            </>
          )}
          <a class="button viewer__button" data-testid="viewer-download" href={url ?? undefined} download={file.name} aria-disabled={url ? undefined : 'true'}>
            <Icon d={DOWNLOAD} />
            <span class="viewer__label">{tChat('viewer.download')}</span>
          </a>
        </div>
        <button ref={close} type="button" class="button viewer__button viewer__close" data-testid="viewer-close" onClick={onClose}>
          {tChat('viewer.close')}
        </button>
      </div>
      {isImage && (
        <p id="viewer-help" class="visually-hidden">
          {tChat('viewer.imageHelp')}
        </p>
      )}
      <div
        ref={stage}
        class={`viewer__stage${view.scale > 1 ? ' viewer__stage--zoomed' : ''}`}
        data-testid="viewer-stage"
        onWheel={(event) => {
          if (!isImage || !url) return;
          event.preventDefault();
          const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
          const focus = fromCentre(event.clientX, event.clientY);
          change((current, measured) => zoomBy(current, wheelFactor(delta), measured, focus));
        }}
        onPointerDown={(event) => {
          if (!isImage) return;
          event.currentTarget.setPointerCapture(event.pointerId);
          pointers.current.set(event.pointerId, { x: event.clientX, y: event.clientY });
        }}
        onPointerMove={onPointerMove}
        onPointerUp={forget}
        onPointerCancel={forget}
        onDblClick={(event) => {
          if (!isImage) return;
          const focus = fromCentre(event.clientX, event.clientY);
          change((current, measured) => (current.scale > 1 ? FITTED : zoomBy(current, 2, measured, focus)));
        }}
      >
        {failure !== null ? (
          <p class="viewer__message" role="alert" data-testid="viewer-error">
            {failure instanceof RelaisError && failure.code === 'offline' ? tChat('viewer.offline') : tError(failure)}
          </p>
        ) : !url ? (
          <p class="viewer__message" aria-live="polite">
            {tChat('viewer.loading')}
          </p>
        ) : isImage ? (
          <img
            ref={image}
            class="viewer__image"
            data-testid="viewer-image"
            src={url}
            alt={file.name}
            draggable={false}
            style={{ transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})` }}
          />
        ) : pdfShown ? (
          <iframe class="viewer__pdf" data-testid="viewer-pdf" title={file.name} src={url} />
        ) : (
          <div class="viewer__message" data-testid="viewer-pdf-fallback">
            <p>{tChat('viewer.pdfUnsupported')}</p>
            <a class="button button--primary" href={url} download={file.name}>
              {tChat('viewer.download')}
            </a>
          </div>
        )}
      </div>
    </dialog>
  );
}
