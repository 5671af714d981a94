import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of one gateway: the devices' network. `cut()` drops every connection through
 * it and stops listening, so new connections are refused at once (ECONNREFUSED) as long as the cut
 * lasts; `restore()` listens again on the same port. Whoever talks to the gateway directly (the
 * senders) is not affected.
 */
export class CuttableProxy {
  readonly port: number;
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<Socket>();
  #server: Server | null = null;

  constructor(port: number, target: { host: string; port: number }) {
    this.port = port;
    this.#target = target;
  }

  /** Starts (or resumes) accepting connections on `port`. */
  async restore(): Promise<void> {
    if (this.#server) return;
    const server = createServer({ noDelay: true }, (client) => this.#pipe(client));
    this.#server = server;
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(this.port, '127.0.0.1', () => done());
    });
  }

  /** Refuses new connections and drops every open one (both sides see the connection end). */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    const closed = server ? new Promise<void>((done) => server.close(() => done())) : Promise.resolve();
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    await closed;
  }

  get connections(): number {
    return this.#sockets.size;
  }

  #pipe(client: Socket): void {
    const upstream = createConnection({ ...this.#target, noDelay: true });
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
