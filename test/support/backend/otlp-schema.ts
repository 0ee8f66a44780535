/**
 * The OTLP protobuf schema, loaded from the official `.proto` files.
 *
 * The definitions come from `@elastic/mockotlpserver`, which vendors the upstream
 * opentelemetry-proto files; loading them at run time (rather than hand-writing message
 * types) means the backend decodes exactly what the specification says.
 */
import * as path from 'node:path';
import { Field, Root, Type } from 'protobufjs';
import type { OtlpSignal } from '../../../dev-backend/otlp-types';

/** Request and response message types of one OTLP signal. */
export interface SignalSchema {
  request: Type;
  response: Type;
  /** Name of the rejected-count field of the response's `partialSuccess`. */
  rejectedField: 'rejectedSpans' | 'rejectedLogRecords' | 'rejectedDataPoints';
}

/** The loaded schema. */
export interface OtlpSchema {
  signals: Record<OtlpSignal, SignalSchema>;
  /** `google.rpc.Status` (code, message): the body OTLP/HTTP servers send with 4xx/5xx. */
  status: Type;
}

const SERVICE_FILES: Record<OtlpSignal, string> = {
  traces: 'opentelemetry/proto/collector/trace/v1/trace_service.proto',
  logs: 'opentelemetry/proto/collector/logs/v1/logs_service.proto',
  metrics: 'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
};

let cached: OtlpSchema | undefined;

/**
 * Directory holding `opentelemetry/proto/**`. Resolved through the package's
 * `package.json` so it works wherever npm placed the package.
 */
export function protoRootDir(): string {
  return path.dirname(require.resolve('@elastic/mockotlpserver/package.json'));
}

/** Loads (once per process) and returns the OTLP schema. */
export function loadOtlpSchema(): OtlpSchema {
  if (cached) return cached;
  const baseDir = protoRootDir();
  const root = new Root();
  // Imports inside the .proto files are relative to the proto root, not to the importer.
  root.resolvePath = (_origin, target) =>
    path.isAbsolute(target) ? target : path.join(baseDir, target);
  root.loadSync(Object.values(SERVICE_FILES), { keepCase: false });
  // google.rpc.Status is not vendored; declare its two scalar fields in the same root.
  const status = new Type('Status')
    .add(new Field('code', 1, 'int32'))
    .add(new Field('message', 2, 'string'));
  root.define('google.rpc').add(status);
  root.resolveAll();

  const collector = 'opentelemetry.proto.collector';
  cached = {
    signals: {
      traces: {
        request: root.lookupType(`${collector}.trace.v1.ExportTraceServiceRequest`),
        response: root.lookupType(`${collector}.trace.v1.ExportTraceServiceResponse`),
        rejectedField: 'rejectedSpans',
      },
      logs: {
        request: root.lookupType(`${collector}.logs.v1.ExportLogsServiceRequest`),
        response: root.lookupType(`${collector}.logs.v1.ExportLogsServiceResponse`),
        rejectedField: 'rejectedLogRecords',
      },
      metrics: {
        request: root.lookupType(`${collector}.metrics.v1.ExportMetricsServiceRequest`),
        response: root.lookupType(`${collector}.metrics.v1.ExportMetricsServiceResponse`),
        rejectedField: 'rejectedDataPoints',
      },
    },
    status,
  };
  return cached;
}
