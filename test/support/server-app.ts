import type { ChildProcess } from 'node:child_process';
import { runApp } from './spawn-app';
import type { AppResult, RunAppOptions } from './spawn-app';

/** Options of {@link runServerApp}. */
export interface RunServerAppOptions<T> extends Omit<RunAppOptions, 'onSpawn'> {
  /**
   * What to do with the running server, given its base URL (`http://127.0.0.1:<port>`); the
   * app is sent SIGTERM when it settles.
   */
  readonly use: (url: string) => Promise<T>;
  /** Give up on the app announcing its port after this long; default 20 s. */
  readonly readyMillis?: number;
}

/** How a server app ran: its end, and what `use` returned or threw. */
export interface ServerAppRun<T> {
  readonly result: AppResult;
  readonly outcome: { readonly value: T } | { readonly error: unknown };
}

/** The line a server fixture prints once it listens: `LISTENING <port>`. */
const LISTENING = /^LISTENING (\d+)$/m;

/**
 * Runs a server fixture as a real process: waits for its `LISTENING <port>` line, runs `use`
 * against it, then sends SIGTERM (the SDK flushes on it) and waits for the process to end.
 * An app that never announces a port is killed after `readyMillis`; `use` then gets no call
 * and the outcome holds the error.
 */
export async function runServerApp<T>(options: RunServerAppOptions<T>): Promise<ServerAppRun<T>> {
  const { use, readyMillis = 20_000, ...appOptions } = options;
  let outcome: ServerAppRun<T>['outcome'] = { error: new Error('the app never listened') };
  const result = await runApp({
    ...appOptions,
    onSpawn: (child: ChildProcess) => {
      let output = '';
      const giveUp = setTimeout(() => child.kill('SIGKILL'), readyMillis);
      const onData = (chunk: Buffer | string): void => {
        output += String(chunk);
        const port = LISTENING.exec(output)?.[1];
        if (port === undefined) return;
        clearTimeout(giveUp);
        child.stdout?.off('data', onData);
        use(`http://127.0.0.1:${port}`)
          .then(
            (value) => (outcome = { value }),
            (error: unknown) => (outcome = { error }),
          )
          .finally(() => child.kill('SIGTERM'));
      };
      child.stdout?.on('data', onData);
      child.on('close', () => clearTimeout(giveUp));
    },
  });
  return { result, outcome };
}
