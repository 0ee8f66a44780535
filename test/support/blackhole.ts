import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { freePort } from './ports';

/**
 * A TCP server on 127.0.0.1 that accepts connections and never answers: the worst kind of
 * dead endpoint, because a client waits for its own timeout instead of failing fast.
 */
export class Blackhole {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server = createServer((socket) => {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.resume(); // read and discard
  });

  /** Base URL of the black hole. */
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    this.url = `http://127.0.0.1:${address.port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback port with nothing listening: connections are refused at once. */
export async function refusedUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}
