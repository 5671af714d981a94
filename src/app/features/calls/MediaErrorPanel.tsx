import type { MediaErrorCode } from './media.ts';
import { tCall } from './calls-i18n.ts';

interface Props {
  code: MediaErrorCode;
  video: boolean;
  onRetry(video: boolean): void;
  onCancel(): void;
}

/** Why the camera or microphone did not start, and the ways out: audio only, try again, cancel. */
export function MediaErrorPanel({ code, video, onRetry, onCancel }: Props) {
  return (
    <div class="call-media-error" role="alert" data-testid="media-error" data-code={code}>
      <p>{tCall(`media.${code}`)}</p>
      {code === 'denied' && <p class="call-media-error__help">{tCall('media.deniedHelp')}</p>}
      <div class="call-media-error__actions">
        {video && code !== 'insecure' && (
          <button type="button" class="button" data-testid="media-audio-only" onClick={() => onRetry(false /* video */)}>
            {tCall('media.audioOnly')}
          </button>
        )}
        <button type="button" class="button button--ghost" data-testid="media-retry" onClick={() => onRetry(video)}>
          {tCall('media.retry')}
        </button>
        <button type="button" class="button button--ghost" data-testid="media-cancel" onClick={onCancel}>
          {tCall('media.cancel')}
        </button>
      </div>
    </div>
  );
}
