import { CallHistory } from './CallHistory.tsx';
import { IncomingCall } from './IncomingCall.tsx';
import { VideoCallWindow } from './VideoCallWindow.tsx';

/** Everything calls show, above the app (mounted once by the calls chunk into its own root). */
export function CallLayer() {
  return (
    <>
      <IncomingCall />
      <VideoCallWindow />
      <CallHistory />
    </>
  );
}
