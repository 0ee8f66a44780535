/**
 * The listening socket, which a `'refuse'` outage closes and reopens on the same port.
 *
 * A refused connection is a different failure from an error status (the client never
 * gets a socket), and clients must find the backend again at the address they were
 * configured with, hence the same port.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Loopback by default: the backend is a test and development tool. */
export const DEFAULT_HOST = '127.0.0.1';

/** Attempts to re-bind the port after an outage, in case it is briefly unavailable. */
const RELISTEN_ATTEMPTS = 20;
const RELISTEN_DELAY_MS = 25;

function listenOnce(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host });
  });
}

function isAddressInUse(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'EADDRINUSE';
}

/** Opens, closes and reopens an HTTP server's listening socket. */
export class Listener {
  private boundPort = 0;

  constructor(
    private readonly server: Server,
    /** Address to listen on. */
    readonly host: string = DEFAULT_HOST,
  ) {}

  /** The port bound by the first {@link Listener.open}; kept across outages. */
  get port(): number {
    return this.boundPort;
  }

  /** Whether the socket is currently listening. */
  get listening(): boolean {
    return this.server.listening;
  }

  /** Starts listening (`port` 0: an ephemeral port) and remembers the port. */
  async open(options: { port: number }): Promise<void> {
    await listenOnce(this.server, this.host, options.port);
    this.boundPort = (this.server.address() as AddressInfo).port;
  }

  /** Stops accepting connections and destroys the open ones (keep-alive included). */
  async shut(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Without this, idle keep-alive sockets would keep serving during the "outage".
    this.server.closeAllConnections();
    await closed;
  }

  /** Listens again on the same port. */
  async reopen(): Promise<void> {
    if (this.server.listening) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await listenOnce(this.server, this.host, this.boundPort);
        return;
      } catch (error: unknown) {
        if (!isAddressInUse(error) || attempt >= RELISTEN_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, RELISTEN_DELAY_MS));
      }
    }
  }
}
