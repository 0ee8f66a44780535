/**
 * One HTTP request of an export: a keep-alive connection pool per transport (node:http or
 * node:https `Agent`), a per-request timeout, abort on shutdown. Never throws: every failure
 * comes back as a {@link SendResult}.
 */
import * as http from 'node:http';
import * as https from 'node:https';

/** At most this much of an answer is read (OTLP answers are tiny; error pages may not be). */
const MAX_RESPONSE_BYTES = 64 * 1024;

export type SendResult =
  | { kind: 'answer'; status: number; retryAfter: string | undefined; body: Uint8Array }
  | {
      kind: 'network-error';
      code: string;
      /** The whole body was written before the failure: the server may have stored it. */
      bodySent: boolean;
    };

export class Sender {
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;

  constructor(options: { url: string; maxSockets: number }) {
    this.url = new URL(options.url);
    const secure = this.url.protocol === 'https:';
    const agentOptions: http.AgentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets,
      // Idle sockets must not keep the process alive (they are unref'd by the agent), and are
      // closed after a while so a load balancer does not close them under us first.
      timeout: 30_000,
    };
    this.agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.request = secure ? https.request : http.request;
  }

  /** POSTs `body`; resolves with the answer or the network failure. */
  send(options: {
    body: Uint8Array;
    headers: Readonly<Record<string, string>>;
    timeoutMillis: number;
    signal: AbortSignal;
  }): Promise<SendResult> {
    return new Promise((resolve) => {
      let settled = false;
      let bodySent = false;
      const finish = (result: SendResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const fail = (code: string): void => {
        finish({ kind: 'network-error', code, bodySent });
        req.destroy();
      };
      const onAbort = (): void => fail('ABORTED');
      const timer = setTimeout(() => fail('ETIMEDOUT'), options.timeoutMillis);
      timer.unref();

      const req = this.request(this.url, {
        method: 'POST',
        agent: this.agent,
        headers: { ...options.headers, 'content-length': String(options.body.length) },
      });
      req.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ERR_NETWORK'));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        res.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ERR_NETWORK'));
        res.on('aborted', () => fail('ECONNRESET'));
        res.on('end', () => {
          if (!res.complete) {
            fail('ECONNRESET');
            return;
          }
          const retryAfter = res.headers['retry-after'];
          finish({
            kind: 'answer',
            status: res.statusCode ?? 0,
            retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
            body: Buffer.concat(chunks),
          });
        });
      });
      if (options.signal.aborted) {
        onAbort();
        return;
      }
      options.signal.addEventListener('abort', onAbort, { once: true });
      req.end(options.body, () => {
        bodySent = true;
      });
    });
  }

  /** Closes every pooled socket (shutdown). */
  close(): void {
    this.agent.destroy();
  }
}
