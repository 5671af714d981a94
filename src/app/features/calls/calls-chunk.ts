import { h, render } from 'preact';
import { CallLayer } from './CallLayer.tsx';
import { startCallController } from './call-controller.ts';
import './calls.css';

/**
 * The calls chunk (UI, WebRTC, ringtone), loaded by call-listener.ts when a call rings or starts.
 * Importing it renders nothing: `startCalls()` does, once.
 */
export { openHistory, receiveFrame, startCall } from './call-controller.ts';

let started = false;

/** Mounts the call layer above the app and starts the controller (the first call only). */
export function startCalls(): void {
  if (started) return;
  started = true;
  startCallController();
  const container = document.createElement('div');
  container.id = 'call-layer';
  document.body.append(container);
  render(h(CallLayer, {}), container);
}
