import type { ResolvedConfig, SignalExportConfig } from './options';

const REDACTED = '[REDACTED]';

/**
 * A copy of the configuration safe to print: the API key and every header value are
 * replaced (headers carry credentials), URLs lose any user:password part. Header names stay,
 * so a reader can still see that a header is set.
 */
export function redactConfig(config: ResolvedConfig): Record<string, unknown> {
  return {
    ...config,
    apiKey: config.apiKey === undefined ? undefined : REDACTED,
    endpoint: config.endpoint === undefined ? undefined : stripCredentials(config.endpoint),
    traces: redactSignal(config.traces),
    logs: redactSignal(config.logs),
    metrics: redactSignal(config.metrics),
  };
}

function redactSignal(signal: SignalExportConfig): Record<string, unknown> {
  const headers: Record<string, string> = {};
  for (const name of Object.keys(signal.headers)) {
    headers[name] = name === 'user-agent' ? (signal.headers[name] ?? '') : REDACTED;
  }
  return { ...signal, url: stripCredentials(signal.url), headers };
}

/** URLs lose user:password and query values: both are places people put tokens. */
function stripCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '' && parsed.search === '') return url;
    parsed.username = '';
    parsed.password = '';
    for (const key of [...parsed.searchParams.keys()]) parsed.searchParams.set(key, 'REDACTED');
    return parsed.href.replace(/\/+$/, '');
  } catch {
    return REDACTED;
  }
}
