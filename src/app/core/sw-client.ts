import { RelaisError } from '../../shared/errors.ts';
import { BROADCAST_CHANNEL } from '../../shared/sw-events.ts';
import { parseSwEvent, parseSwReply } from './envelope.ts';
import { handlerRegistry, keyMatches } from './handler-registry.ts';
import type { SwEvent } from '../../shared/sw-events.ts';
import type { SessionState, SyncState } from '../../shared/local-model.ts';
import type { SwArgs, SwOp, SwResults } from '../../shared/sw-requests.ts';

/** How long a request may wait for the service worker (start-up included) before failing. */
export const REQUEST_TIMEOUT_MS = 15_000;
/** After `ready`, how long to wait for `clients.claim()` before posting to the active worker directly. */
const CLAIM_WAIT_MS = 1_000;

let requestCount = 0;
/** Request ids only pair a reply with its request inside this tab: a counter plus a per-page random tag. */
const PAGE_TAG = Math.random().toString(36).slice(2, 10);

type ArgsParam<Op extends SwOp> = undefined extends SwArgs<Op> ? [args?: SwArgs<Op>] : [args: SwArgs<Op>];

/**
 * The worker to post to. Normally the page's controller; on first load it appears once the SW has
 * called `clients.claim()` (`controllerchange`). A hard reload (Shift+F5) leaves the page
 * uncontrolled for its whole life, so after a short wait we post to the active worker instead: it
 * still answers on the transferred port.
 */
async function target(): Promise<ServiceWorker> {
  if (!('serviceWorker' in navigator)) throw new RelaisError('sw_unavailable');
  const container = navigator.serviceWorker;
  const registration = await container.ready;
  if (container.controller) return container.controller;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, CLAIM_WAIT_MS);
    container.addEventListener(
      'controllerchange',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
  const worker = container.controller ?? registration.active;
  if (!worker) throw new RelaisError('sw_unavailable');
  return worker;
}

/**
 * Ask the service worker to run `op` and resolve with its result. Rejects with a `RelaisError`
 * carrying the SW's error code, `timeout` after REQUEST_TIMEOUT_MS, or `sw_unavailable`.
 */
export function request<Op extends SwOp>(op: Op, ...[args]: ArgsParam<Op>): Promise<SwResults[Op]> {
  requestCount += 1;
  const id = `${PAGE_TAG}-${requestCount}`;
  return new Promise<SwResults[Op]>((resolve, reject) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => {
      channel.port1.close();
      reject(new RelaisError('timeout'));
    }, REQUEST_TIMEOUT_MS);
    const settle = (): void => {
      clearTimeout(timer);
      channel.port1.close();
    };
    channel.port1.onmessage = (event: MessageEvent<unknown>) => {
      const reply = parseSwReply(event.data);
      if (!reply || reply.id !== id) return;
      settle();
      if (reply.ok) {
        // The SW ships in the same build as this tab, so its result has the declared shape.
        resolve(reply.result as SwResults[Op]);
      } else {
        reject(new RelaisError(reply.code));
      }
    };
    target().then(
      (worker) => worker.postMessage(args === undefined ? { id, op } : { id, op, args }, [channel.port2]),
      (error: unknown) => {
        settle();
        reject(error instanceof RelaisError ? error : new RelaisError('sw_unavailable', undefined, { cause: error }));
      },
    );
  });
}

type Listener = (event: SwEvent) => void;
const listeners = handlerRegistry<Listener>(':');
let channel: BroadcastChannel | null = null;

/** True when an event on `topic` goes to the listeners of `key` (exact topic, or prefix ending with `:`). */
export function topicMatches(key: string, topic: string): boolean {
  return keyMatches(key, topic, ':');
}

function dispatch(message: MessageEvent<unknown>): void {
  const event = parseSwEvent(message.data);
  // Anything on the channel that is not a valid event (other versions, other senders) is ignored.
  if (event) listeners.forEach(event.topic, (listener) => listener(event));
}

/**
 * Listen to the SW's events on BroadcastChannel `relais`. `topicOrPrefix` is an exact topic
 * (`conversations`, `messages:<id>`) or a prefix ending with `:` (`messages:`). Returns the
 * unsubscribe function.
 */
export function subscribe(topicOrPrefix: string, listener: Listener): () => void {
  if (!channel && typeof BroadcastChannel !== 'undefined') {
    channel = new BroadcastChannel(BROADCAST_CHANNEL);
    channel.onmessage = dispatch;
  }
  return listeners.add(topicOrPrefix, listener);
}

/** The data of each fixed topic (the `messages:<id>` topics carry `{conversationId}`). */
export interface TopicData {
  conversations: Record<string, never>;
  sync: SyncState;
  auth: SessionState;
  update: Record<string, never>;
}

/** `subscribe()` for a fixed topic, handing the listener the topic's typed data. */
export function onTopic<T extends keyof TopicData>(topic: T, listener: (data: TopicData[T]) => void): () => void {
  // parseSwEvent validated the event; its union cannot narrow on `topic` because `messages:*` is a string.
  return subscribe(topic, (event) => listener(event.data as TopicData[T]));
}
