/**
 * Camera and microphone. `getUserMedia` failures become stable codes, explained to the user in
 * French (or English) with a way out; the original error is kept as `cause`.
 */
export type MediaErrorCode = 'denied' | 'no_device' | 'busy_device' | 'constraints' | 'insecure' | 'unknown';

/** A camera or microphone failure, by stable code, with what was asked (`video`) and the browser's error as `cause`. */
export class MediaError extends Error {
  readonly code: MediaErrorCode;
  /** What was asked when it failed. */
  readonly video: boolean;

  constructor(code: MediaErrorCode, video: boolean, cause?: unknown) {
    super(code, cause === undefined ? undefined : { cause });
    this.name = 'MediaError';
    this.code = code;
    this.video = video;
  }
}

/** The code of a `getUserMedia` rejection (DOMException names from the Media Capture spec). */
export function mediaErrorCode(error: unknown): MediaErrorCode {
  const name = (error as { name?: unknown } | null)?.name;
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return 'no_device';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy_device';
    case 'OverconstrainedError':
    case 'ConstraintNotSatisfiedError':
      return 'constraints';
    default:
      return 'unknown';
  }
}

/** Asks for the microphone (and the camera when `video`); throws a MediaError. */
export async function openMedia(options: { video: boolean; deviceId?: string }): Promise<MediaStream> {
  // Browsers expose getUserMedia only on localhost or HTTPS.
  if (!navigator.mediaDevices?.getUserMedia) throw new MediaError('insecure', options.video);
  const video: MediaTrackConstraints | false = options.video
    ? { width: { ideal: 1280 }, height: { ideal: 720 }, ...(options.deviceId ? { deviceId: { exact: options.deviceId } } : {}) }
    : false;
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true }, video });
  } catch (error) {
    throw new MediaError(mediaErrorCode(error), options.video, error);
  }
}

/** The cameras of this device (labels may be empty before permission is granted). */
export async function listCameras(): Promise<MediaDeviceInfo[]> {
  try {
    return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
  } catch {
    return [];
  }
}

/** The camera after `currentId` in the list (wrapping), or null when there is only one. */
export function nextCamera(cameras: readonly MediaDeviceInfo[], currentId: string | undefined): MediaDeviceInfo | null {
  if (cameras.length < 2) return null;
  const index = cameras.findIndex((c) => c.deviceId === currentId);
  return cameras[(index + 1) % cameras.length] ?? null;
}

/** Stops every track of a stream (the camera light goes off). */
export function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
