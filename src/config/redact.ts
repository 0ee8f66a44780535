import { redactUrl } from '../base/redact-url';
import type { ResolvedConfig, SignalExportConfig } from './options';

const REDACTED = '[REDACTED]';

/**
 * A copy of the configuration safe to print: the API key and every header value are
 * replaced (headers carry credentials), URLs go through {@link redactUrl} (user info and query
 * values replaced). Header names stay, so a reader can still see that a header is set.
 */
export function redactConfig(config: ResolvedConfig): Record<string, unknown> {
  return {
    ...config,
    apiKey: config.apiKey === undefined ? undefined : REDACTED,
    endpoint: config.endpoint === undefined ? undefined : redactUrl(config.endpoint),
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
  return { ...signal, url: redactUrl(signal.url), headers };
}
