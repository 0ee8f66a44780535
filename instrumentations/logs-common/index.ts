/** What the log instrumentations (pino, winston, bunyan, console) share. */
export {
  NUMERIC_LEVEL_NAMES,
  severityFromName,
  severityFromNumericLevel,
  severityText,
} from './severity';
export { DEFAULT_BOUNDS } from './bounds';
export type { AttributeBounds } from './bounds';
export { flattenFields } from './attributes';
export { logCounters } from './counters';
export { registerLogMetrics } from './metrics';
export { boundString, safeString, safeStringify } from './stringify';
export {
  activeSpanContext,
  activeTraceFields,
  addTraceFields,
  traceFlagsHex,
  TRACE_FIELD_NAMES,
} from './trace-fields';
export type { TraceFields } from './trace-fields';
export { decideLine, DROP_LINE, DROP_RECORD } from './sampling';
export type { LineVerdict } from './sampling';
export { emitLine } from './emit';
export type { LogLine } from './emit';
export { countFormatSpecifiers, hasFormatSpecifier } from './template';
export { unsupportedVersionDefinition } from './unsupported';
export { isModuleNamespace, reportLoaderPath } from './loader-path';
