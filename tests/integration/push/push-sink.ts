import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

/**
 * A local push service on 127.0.0.1 that speaks the real protocol: it checks the VAPID JWT
 * (RFC 8292, ES256 over P-256: signature, `aud`, `exp`, `sub`) and decrypts the `aes128gcm` body
 * (RFC 8188 + RFC 8291) with the subscription's private key and auth secret, which the test made.
 */

export interface SinkSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** One push the sink accepted and decrypted. */
export interface ReceivedPush {
  path: string;
  ttl: string | undefined;
  urgency: string | undefined;
  claims: { aud: string; exp: number; sub: string };
  vapidPublicKey: string;
  payload: unknown;
  /** The raw request, to replay it elsewhere (the e2e delivers `payload` to a real SW). */
  plaintext: string;
}

interface Device {
  ecdh: ReturnType<typeof createECDH>;
  auth: Buffer;
}

const b64url = (buffer: Buffer): string => buffer.toString('base64url');

/** Verifies `Authorization: vapid t=<jwt>, k=<key>`; throws on anything wrong. */
export function verifyVapid(header: string | undefined, origin: string, now: number): { claims: ReceivedPush['claims']; key: string } {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!match) throw new Error('no vapid authorization');
  const [, token = '', key = ''] = match;
  const [head = '', body = '', signature = ''] = token.split('.');
  const header64 = JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg?: string; typ?: string };
  if (header64.alg !== 'ES256') throw new Error('jwt alg is not ES256');
  const point = Buffer.from(key, 'base64url');
  if (point.length !== 65 || point[0] !== 4) throw new Error('vapid key is not an uncompressed P-256 point');
  const publicKey = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33, 65)) },
    format: 'jwk',
  });
  const ok = verify('sha256', Buffer.from(`${head}.${body}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  if (!ok) throw new Error('jwt signature invalid');
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as ReceivedPush['claims'];
  if (claims.aud !== origin) throw new Error(`jwt aud ${claims.aud} is not ${origin}`);
  const nowSeconds = Math.floor(now / 1000);
  if (!(claims.exp > nowSeconds && claims.exp <= nowSeconds + 24 * 3600)) throw new Error('jwt exp out of range');
  if (!/^(mailto:|https:)/.test(claims.sub)) throw new Error('jwt sub is not mailto: or https:');
  return { claims, key };
}

/** Decrypts one `aes128gcm` push body for the device (single record, RFC 8291 key derivation). */
export function decryptAes128gcm(body: Buffer, device: Device): string {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20] ?? 0;
  const serverPublic = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  if (ciphertext.length > recordSize) throw new Error('more than one record');
  const secret = device.ecdh.computeSecret(serverPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), device.ecdh.getPublicKey(), serverPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', secret, device.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Error('last record delimiter missing');
  return padded.subarray(0, end).toString('utf8');
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export class PushSink {
  readonly received: ReceivedPush[] = [];
  readonly errors: string[] = [];
  /** Statuses to answer next, in order (then 201). */
  readonly replies: number[] = [];
  readonly #devices = new Map<string, Device>();
  readonly #waiters: { match: (p: ReceivedPush) => boolean; done: (p: ReceivedPush) => void }[] = [];
  #server: Server | null = null;
  origin = '';

  /** Starts on a free port of 127.0.0.1. */
  async start(): Promise<void> {
    this.#server = createServer((request, response) => {
      void this.#handle(request).then((status) => {
        response.writeHead(status);
        response.end();
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    this.origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  /** A new device: its subscription (endpoint on this sink, P-256 key and auth secret made here). */
  subscription(): SinkSubscription {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    const id = randomBytes(8).toString('hex');
    this.#devices.set(`/push/${id}`, { ecdh, auth });
    return { endpoint: `${this.origin}/push/${id}`, keys: { p256dh: b64url(ecdh.getPublicKey()), auth: b64url(auth) } };
  }

  /** The first received push (already here or coming) that matches. */
  next(match: (p: ReceivedPush) => boolean = () => true, timeoutMs = 5_000): Promise<ReceivedPush> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no push in time; errors: ${this.errors.join('; ')}`)), timeoutMs);
      this.#waiters.push({
        match,
        done: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }

  async #handle(request: IncomingMessage): Promise<number> {
    const body = await readBody(request);
    const path = (request.url ?? '').split('?')[0] ?? '';
    const device = this.#devices.get(path);
    if (!device) return 404;
    const queued = this.replies.shift();
    if (queued !== undefined && queued !== 201) return queued;
    try {
      if (request.headers['content-encoding'] !== 'aes128gcm') throw new Error('content-encoding is not aes128gcm');
      const { claims, key } = verifyVapid(request.headers.authorization, this.origin, Date.now());
      const plaintext = decryptAes128gcm(body, device);
      const push: ReceivedPush = {
        path,
        ttl: request.headers.ttl as string | undefined,
        urgency: request.headers.urgency as string | undefined,
        claims,
        vapidPublicKey: key,
        payload: JSON.parse(plaintext) as unknown,
        plaintext,
      };
      this.received.push(push);
      for (const waiter of [...this.#waiters]) {
        if (waiter.match(push)) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.done(push);
        }
      }
      return 201;
    } catch (error) {
      this.errors.push(error instanceof Error ? error.message : String(error));
      return 400;
    }
  }
}
