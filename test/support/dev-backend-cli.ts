import { PassThrough } from 'node:stream';
import { runDevBackend } from '../../dev-backend/cli';

/**
 * Runs `sprintlens dev-backend` in-process, in `cwd`, with its output collected; `stop()` plays
 * the part of SIGTERM. It listens only when the arguments make it serve.
 */
export function runDevBackendCli(args: string[], cwd: string) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  err.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let stop: (signal: string) => void = () => {};
  const stopSignal = new Promise<string>((resolve) => (stop = resolve));
  const exit = runDevBackend({ args, out, err, cwd, stopSignal });
  return {
    exit,
    stop,
    stdout: () => stdout,
    stderr: () => stderr,
    /** The URL of the "listening on" line, once the command printed it. */
    async url(): Promise<string> {
      const deadline = Date.now() + 5000;
      for (;;) {
        const match = /listening on (http:\/\/\S+)/.exec(stdout);
        if (match?.[1] && stdout.includes('Ctrl-C to stop.')) return match[1];
        if (Date.now() > deadline) throw new Error(`no listening line in: ${stdout}${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}
