import { accept, decline, dismiss, hangup, retryMedia, switchCamera, toggleAudio, toggleVideo } from './call-controller.ts';
import { call, canSwitchCamera, localMedia, localStream, quality, reconnecting, remoteStream, type CallView } from './call-state.ts';
import type { QualitySample } from './quality.ts';

/** What `useWebRTC()` gives a call component (the seed's hook, over the call signals). */
export interface WebRTC {
  call: CallView | null;
  localStream: MediaStream | null;
  remoteStream: MediaStream | null;
  audioOn: boolean;
  videoOn: boolean;
  canSwitchCamera: boolean;
  reconnecting: boolean;
  quality: QualitySample | null;
  accept(): Promise<void>;
  decline(): void;
  hangup(): void;
  dismiss(): void;
  retryMedia(video: boolean): Promise<void>;
  toggleAudio(): void;
  toggleVideo(): void;
  switchCamera(): Promise<void>;
}

/** The current call, its streams and the actions on it; reading it subscribes the component. */
export function useWebRTC(): WebRTC {
  return {
    call: call.value,
    localStream: localStream.value,
    remoteStream: remoteStream.value,
    audioOn: localMedia.value.audio,
    videoOn: localMedia.value.video,
    canSwitchCamera: canSwitchCamera.value,
    reconnecting: reconnecting.value,
    quality: quality.value,
    accept,
    decline,
    hangup,
    dismiss,
    retryMedia,
    toggleAudio,
    toggleVideo,
    switchCamera,
  };
}
