import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { Transport } from './transport/transport';

const SUCCESS: ExportResult = { code: ExportResultCode.SUCCESS };

/**
 * One export call of an OTel exporter interface: hands `items` to the transport and reports the
 * result once they have left it (delivered, dropped and counted, or spooled), so that a batch
 * processor's `forceFlush()` or a metric reader's collection means "sent". Fails at once when
 * the transport refused some of them (queue full, or shut down); those are counted as dropped.
 */
export function exportThrough<T>(
  transport: Transport<T>,
  items: readonly T[],
  resultCallback: (result: ExportResult) => void,
): void {
  if (!transport.enqueue(items)) {
    resultCallback({
      code: ExportResultCode.FAILED,
      error: new Error('sprintlens export queue full or shut down: records dropped'),
    });
    return;
  }
  transport.flush().then(
    () => resultCallback(SUCCESS),
    (error: unknown) =>
      resultCallback({
        code: ExportResultCode.FAILED,
        error: error instanceof Error ? error : new Error(String(error)),
      }),
  );
}
