import webpush from 'web-push';
import type { PushPayload } from '../../shared/push.ts';
import type { RedisClient } from '../redis/redis-connection.ts';
import { listSubscriptions, removeSubscription, type StoredSubscription } from './subscriptions.ts';
import type { PushTransport } from './transport.ts';
import type { VapidKeys } from './vapid.ts';

/** How urgently the push service should deliver (RFC 8030 `Urgency`), and how long it may keep it. */
export interface PushDelivery {
  urgency: 'normal' | 'high';
  /** Seconds the push service keeps an undelivered push (`TTL`). */
  ttlSeconds: number;
}

/** Calls and urgent messages: delivered at once or not at all (a call ringing an hour later is noise). */
export const URGENT_DELIVERY: PushDelivery = { urgency: 'high', ttlSeconds: 60 };
/** Ordinary messages: kept a day by the push service while the tablet is off. */
export const NORMAL_DELIVERY: PushDelivery = { urgency: 'normal', ttlSeconds: 24 * 60 * 60 };

export interface PushSenderOptions {
  redis: RedisClient;
  vapid: VapidKeys;
  /** `mailto:` or `https:` contact of the operator (VAPID_SUBJECT). */
  subject: string;
  transport: PushTransport;
  log: { warn(details: object, text: string): void; debug?(details: object, text: string): void };
  /** Waits between retries (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Attempts for 429/5xx/no answer before giving up on one push. */
  attempts?: number;
  /** Told how each push to one device ended (the metrics). */
  onOutcome?: (outcome: SendOutcome) => void;
}

/** What happened to one push to one device. */
export type SendOutcome = 'sent' | 'removed' | 'failed';

const RETRY_BASE_MS = 1_000;
const RETRY_CAP_MS = 30_000;

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Sends encrypted pushes (RFC 8291 aes128gcm, VAPID RFC 8292) through `web-push`'s request builder
 * and an injectable transport. A 404/410 means the subscription is gone: it is removed. 429 and 5xx
 * (and no answer) are retried with exponential backoff and jitter, honouring `Retry-After`.
 */
export class PushSender {
  readonly #options: Required<Omit<PushSenderOptions, 'log' | 'onOutcome'>> & Pick<PushSenderOptions, 'log' | 'onOutcome'>;

  constructor(options: PushSenderOptions) {
    this.#options = { sleep: defaultSleep, random: Math.random, attempts: 4, ...options };
  }

  /** Sends `payload` to every device of `userId`; resolves with one outcome per device. */
  async sendToUser(userId: string, payload: PushPayload, delivery: PushDelivery): Promise<SendOutcome[]> {
    const subscriptions = await listSubscriptions(this.#options.redis, userId);
    return Promise.all(subscriptions.map((subscription) => this.send(userId, subscription, payload, delivery)));
  }

  /** Sends one push to one device, with retries. */
  async send(userId: string, subscription: StoredSubscription, payload: PushPayload, delivery: PushDelivery): Promise<SendOutcome> {
    const outcome = await this.#attempt(userId, subscription, payload, delivery);
    this.#options.onOutcome?.(outcome);
    return outcome;
  }

  async #attempt(userId: string, subscription: StoredSubscription, payload: PushPayload, delivery: PushDelivery): Promise<SendOutcome> {
    let details: ReturnType<typeof webpush.generateRequestDetails>;
    try {
      details = webpush.generateRequestDetails({ endpoint: subscription.endpoint, keys: subscription.keys }, JSON.stringify(payload), {
        vapidDetails: { subject: this.#options.subject, publicKey: this.#options.vapid.publicKey, privateKey: this.#options.vapid.privateKey },
        TTL: delivery.ttlSeconds,
        urgency: delivery.urgency,
        contentEncoding: 'aes128gcm',
      });
    } catch (err) {
      // Keys the browser gave that do not form a valid P-256 point: this subscription can never work.
      this.#options.log.warn({ userId, err: err instanceof Error ? err.message : 'unknown' }, 'push subscription unusable');
      await removeSubscription(this.#options.redis, userId, subscription.endpoint);
      return 'removed';
    }
    const request = {
      endpoint: details.endpoint,
      method: details.method,
      headers: details.headers as Record<string, string | number>,
      body: details.body === null ? null : Buffer.from(details.body),
    };
    for (let attempt = 0; attempt < this.#options.attempts; attempt += 1) {
      const response = await this.#options.transport(request);
      if (response.status >= 200 && response.status < 300) return 'sent';
      if (response.status === 404 || response.status === 410) {
        await removeSubscription(this.#options.redis, userId, subscription.endpoint);
        return 'removed';
      }
      const transient = response.status === 0 || response.status === 429 || response.status >= 500;
      if (!transient) break;
      if (attempt + 1 < this.#options.attempts) await this.#options.sleep(this.#delay(attempt, response.retryAfterSeconds));
    }
    this.#options.log.warn({ userId, kind: payload.kind }, 'push not delivered');
    return 'failed';
  }

  #delay(attempt: number, retryAfterSeconds: number | undefined): number {
    if (retryAfterSeconds !== undefined) return Math.min(RETRY_CAP_MS, retryAfterSeconds * 1000);
    const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt);
    return ceiling / 2 + this.#options.random() * (ceiling / 2);
  }
}
