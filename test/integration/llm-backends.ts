import { afterAll, beforeAll } from 'vitest';
import { startLlmServer } from '../support/llm-server';
import type { LlmServer } from '../support/llm-server';
import { OtlpReceiver } from '../support/otlp-receiver';
import type { ReceivedSpan } from '../support/otlp-receiver';

/** The OTLP receiver and the LLM server of a test file. */
export interface LlmBackends {
  readonly receiver: OtlpReceiver;
  /** The LLM server's URL (once the file's `beforeAll` has run). */
  readonly llmUrl: string;
  /** Environment that sends an instrumented app's telemetry to the receiver as `service`. */
  exportEnv(service: string): Record<string, string>;
  /**
   * The LLM-side spans of `service` (ours and the SDK's own), once at least `expected` have
   * arrived (15 s at most). The bundled HTTP client spans under them are left out: the request
   * traces tests (`request-traces.test.ts`) check those.
   */
  spansOf(service: string, expected: number): Promise<ReceivedSpan[]>;
}

const HTTP_SCOPES = new Set([
  '@opentelemetry/instrumentation-http',
  '@opentelemetry/instrumentation-undici',
]);

/**
 * One receiver and one LLM server for the test file, started before its tests and closed after;
 * every process gets its own service.name.
 */
export function llmBackendsForFile(): LlmBackends {
  const receiver = new OtlpReceiver();
  let llm: LlmServer | undefined;
  beforeAll(async () => {
    await receiver.start();
    llm = await startLlmServer();
  });
  afterAll(async () => {
    await receiver.close();
    await llm?.close();
  });
  return {
    receiver,
    get llmUrl(): string {
      if (llm === undefined) throw new Error('LLM server not started');
      return llm.url;
    },
    exportEnv: (service) => ({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: service,
      SPRINTLENS_COMPRESSION: 'none',
    }),
    async spansOf(service, expected) {
      const llmSpans = (): ReceivedSpan[] =>
        receiver.spansOf(service).filter((span) => !HTTP_SCOPES.has(span.scope ?? ''));
      await receiver.waitFor(() => llmSpans().length >= expected, 15_000);
      return llmSpans();
    },
  };
}
