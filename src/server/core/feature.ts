import type { FastifyInstance } from 'fastify';
import type { FrameHandler } from '../realtime/frame-handler.ts';
import type { AppendedObserver } from '../realtime/live-bus.ts';
import type { GatewayCore } from './context.ts';

/** What a feature gives the core once registered. */
export interface FeatureHooks {
  /** Client frames this feature owns on the realtime socket (e.g. every `call.*`). */
  frames?: FrameHandler[];
  /** Hears every change appended to a conversation, after the live bus published it. */
  onAppended?: AppendedObserver;
  /** Stops its timers and waits for its background work (gateway shutdown). */
  close?(): Promise<void> | void;
}

/**
 * A part of the gateway that plugs into the core: it registers its routes on `app` and answers what
 * it provides. gateway.ts (the composition root) registers each feature once, in order.
 */
export interface GatewayFeature {
  /** For logs: which feature failed to start or stop. */
  readonly name: string;
  register(app: FastifyInstance, core: GatewayCore): Promise<FeatureHooks>;
}
