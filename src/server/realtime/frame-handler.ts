import type { ClientFrame, ServerFrame } from '../../shared/realtime.ts';

/** Answers the socket a frame came from, and that socket only. */
export type ReplyToSocket = (frame: ServerFrame) => void;

/** Takes the client frames a feature owns from the realtime socket (e.g. every `call.*`). */
export interface FrameHandler {
  /** True for the frames this handler takes. */
  accepts(frame: ClientFrame): boolean;
  /** Applies one frame from `userId` (already validated by the ClientFrame schema), on a socket of session `session` (its key). */
  handle(userId: string, frame: ClientFrame, reply: ReplyToSocket, session: string): Promise<void>;
}

/** A FrameHandler for the frames a type guard picks, so `handle` gets them with their own type. */
export function frameHandler<F extends ClientFrame>(
  accepts: (frame: ClientFrame) => frame is F,
  handle: (userId: string, frame: F, reply: ReplyToSocket, session: string) => Promise<void>,
): FrameHandler {
  return {
    accepts,
    handle: (userId, frame, reply, session) => (accepts(frame) ? handle(userId, frame, reply, session) : Promise.resolve()),
  };
}
