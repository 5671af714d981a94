import { CallHistory } from '../components/CallHistory.tsx';
import { IncomingCall } from '../components/IncomingCall.tsx';
import { VideoCallWindow } from '../components/VideoCallWindow.tsx';

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
