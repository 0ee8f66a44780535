/**
 * The error catalogue. Every condition the SDK reports has its own class with a stable
 * `code`. Codes are never reused or renumbered: a retired condition keeps its code reserved
 * (see `RETIRED_CODES`). `docs/errors.md` documents every code; a test keeps the two in step.
 *
 * Messages say what to do. They never contain an API key, a header value or captured content:
 * values are echoed only for settings that cannot hold secrets, and truncated.
 */

import { redactUrl } from './redact-url';

/** Base class of every error the SDK creates. */
export abstract class SprintlensError extends Error {
  /** Stable machine-readable code, e.g. `SL_CONFIG_INVALID_RATE`. */
  abstract readonly code: string;
}

/** Details carried by configuration errors. */
export interface ConfigErrorDetails {
  /** The setting, as the user wrote it: an option name or an environment variable. */
  readonly source: string;
  /** The offending value, already made safe to print (`undefined` for secret settings). */
  readonly shownValue?: string;
  /** What would have been accepted. */
  readonly expected: string;
  /** The value used instead. */
  readonly fallback: string;
}

/** Base class of configuration errors: the SDK keeps running with `fallback`. */
export abstract class ConfigError extends SprintlensError {
  readonly details: ConfigErrorDetails;
  constructor(details: ConfigErrorDetails, what: string) {
    const shown = details.shownValue === undefined ? '' : ` ${JSON.stringify(details.shownValue)}`;
    super(
      `${details.source}${shown} is not ${what}: expected ${details.expected}. ` +
        `Using ${details.fallback}; fix the value to silence this warning.`,
    );
    this.details = details;
  }
}

export class ConfigInvalidBooleanError extends ConfigError {
  readonly code = 'SL_CONFIG_INVALID_BOOLEAN';
  override readonly name = 'ConfigInvalidBooleanError';
  constructor(details: ConfigErrorDetails) {
    super(details, 'a boolean');
  }
}

export class ConfigInvalidNumberError extends ConfigError {
  readonly code = 'SL_CONFIG_INVALID_NUMBER';
  override readonly name = 'ConfigInvalidNumberError';
  constructor(details: ConfigErrorDetails) {
    super(details, 'a valid number');
  }
}

export class ConfigInvalidRateError extends ConfigError {
  readonly code = 'SL_CONFIG_INVALID_RATE';
  override readonly name = 'ConfigInvalidRateError';
  constructor(details: ConfigErrorDetails) {
    super(details, 'a rate');
  }
}

export class ConfigInvalidEnumError extends ConfigError {
  readonly code = 'SL_CONFIG_INVALID_ENUM';
  override readonly name = 'ConfigInvalidEnumError';
  constructor(details: ConfigErrorDetails) {
    super(details, 'a known value');
  }
}

export class ConfigInvalidUrlError extends ConfigError {
  readonly code = 'SL_CONFIG_INVALID_URL';
  override readonly name = 'ConfigInvalidUrlError';
  constructor(details: ConfigErrorDetails) {
    super(details, 'a valid http(s) URL');
  }
}

export class ConfigInvalidHeadersError extends ConfigError {
  readonly code = 'SL_CONFIG_INVALID_HEADERS';
  override readonly name = 'ConfigInvalidHeadersError';
  constructor(details: ConfigErrorDetails) {
    super(details, 'a valid header list');
  }
}

export class ConfigInvalidKeyValueListError extends ConfigError {
  readonly code = 'SL_CONFIG_INVALID_KEY_VALUE_LIST';
  override readonly name = 'ConfigInvalidKeyValueListError';
  constructor(details: ConfigErrorDetails) {
    super(details, 'a valid key=value list');
  }
}

export class ConfigInvalidSeverityRatesError extends ConfigError {
  readonly code = 'SL_CONFIG_INVALID_SEVERITY_RATES';
  override readonly name = 'ConfigInvalidSeverityRatesError';
  constructor(details: ConfigErrorDetails) {
    super(details, 'a valid list of severity rates');
  }
}

export class ConfigUnknownInstrumentationError extends ConfigError {
  readonly code = 'SL_CONFIG_UNKNOWN_INSTRUMENTATION';
  override readonly name = 'ConfigUnknownInstrumentationError';
  constructor(details: ConfigErrorDetails) {
    super(details, 'a known instrumentation name');
  }
}

export class ConfigUnsupportedProtocolError extends ConfigError {
  readonly code = 'SL_CONFIG_UNSUPPORTED_PROTOCOL';
  override readonly name = 'ConfigUnsupportedProtocolError';
  constructor(details: ConfigErrorDetails) {
    super(details, 'a supported OTLP protocol');
  }
}

export class ConfigInvalidOptionTypeError extends ConfigError {
  readonly code = 'SL_CONFIG_INVALID_OPTION_TYPE';
  override readonly name = 'ConfigInvalidOptionTypeError';
  constructor(details: ConfigErrorDetails) {
    super(details, 'of the right type');
  }
}

export class ConfigInvalidPathListError extends ConfigError {
  readonly code = 'SL_CONFIG_INVALID_PATH_LIST';
  override readonly name = 'ConfigInvalidPathListError';
  constructor(details: ConfigErrorDetails) {
    super(details, 'a valid list of paths');
  }
}

/** `SPRINTLENS_ENDPOINT` and a collector endpoint are both set; the backend wins. */
export class ConfigEndpointConflictError extends SprintlensError {
  readonly code = 'SL_CONFIG_ENDPOINT_CONFLICT';
  override readonly name = 'ConfigEndpointConflictError';
  constructor(ignored: string) {
    super(
      `SPRINTLENS_ENDPOINT is set, so traces, logs and metrics go to the Sprint Lens backend and ` +
        `${ignored} is ignored. Unset one of them to silence this warning.`,
    );
  }
}

/** An API key is set but no backend endpoint: the key is never sent to a collector. */
export class ConfigApiKeyWithoutEndpointError extends SprintlensError {
  readonly code = 'SL_CONFIG_API_KEY_WITHOUT_ENDPOINT';
  override readonly name = 'ConfigApiKeyWithoutEndpointError';
  constructor() {
    super(
      'SPRINTLENS_API_KEY is set but SPRINTLENS_ENDPOINT is not: the key is only sent to a ' +
        'Sprint Lens backend, never to an OTLP collector. Set SPRINTLENS_ENDPOINT, or pass ' +
        'collector credentials with OTEL_EXPORTER_OTLP_HEADERS.',
    );
  }
}

/** Another OpenTelemetry SDK registered a global tracer provider before `start()`. */
export class StartForeignProviderError extends SprintlensError {
  readonly code = 'SL_START_FOREIGN_PROVIDER';
  override readonly name = 'StartForeignProviderError';
  constructor() {
    super(
      'A global OpenTelemetry tracer provider is already registered (another SDK started ' +
        'first). sprintlens did not start its own providers. Add its parts to your SDK instead: ' +
        'getInstrumentations(), createTraceExporter(), createLogExporter(); see ' +
        'docs/getting-started.md#with-your-own-nodesdk.',
    );
  }
}

/** The running Node.js is older than the supported range; sprintlens starts anyway. */
export class NodeUnsupportedError extends SprintlensError {
  readonly code = 'SL_NODE_UNSUPPORTED';
  override readonly name = 'NodeUnsupportedError';
  constructor(running: string, supported: string) {
    super(
      `Node.js ${running} is not supported: sprintlens needs Node.js ${supported}. It starts ` +
        'anyway, but parts may not work (ES-module instrumentation, zstd compression). ' +
        'Upgrade Node.js to 22.15 or later (24 recommended).',
    );
  }
}

/** An unexpected failure inside `start()`; the SDK stays off, the app runs on. */
export class StartFailedError extends SprintlensError {
  readonly code = 'SL_START_FAILED';
  override readonly name = 'StartFailedError';
  constructor(cause: unknown) {
    super(
      `sprintlens could not start and is disabled for this process: ${describeCause(cause)}. ` +
        'Run `npx sprintlens doctor` to check the setup.',
      { cause },
    );
  }
}

/** The ES-module loader hook could not be registered: ES modules will not be instrumented. */
export class EsmHookFailedError extends SprintlensError {
  readonly code = 'SL_ESM_HOOK_FAILED';
  override readonly name = 'EsmHookFailedError';
  constructor(cause: unknown) {
    super(
      `The ES-module hook could not be registered (${describeCause(cause)}); libraries ` +
        'imported as ES modules will not be instrumented. Check that import-in-the-middle is ' +
        'installed once (npm ls import-in-the-middle).',
      { cause },
    );
  }
}

/** Shutdown did not finish within its bound; whatever was not flushed is lost. */
export class ShutdownTimeoutError extends SprintlensError {
  readonly code = 'SL_SHUTDOWN_TIMEOUT';
  override readonly name = 'ShutdownTimeoutError';
  constructor(timeoutMillis: number) {
    super(
      `Shutdown did not finish within ${timeoutMillis} ms; telemetry not yet exported was ` +
        'dropped. Check that the endpoint is reachable, or raise SPRINTLENS_SHUTDOWN_TIMEOUT_MS.',
    );
  }
}

/** Flushing or shutting down a provider failed. */
export class ShutdownFailedError extends SprintlensError {
  readonly code = 'SL_SHUTDOWN_FAILED';
  override readonly name = 'ShutdownFailedError';
  constructor(cause: unknown) {
    super(`Shutdown failed: ${describeCause(cause)}. Some telemetry may not have been exported.`, {
      cause,
    });
  }
}

/** An export to the endpoint failed (stock transport). */
export class ExportFailedError extends SprintlensError {
  readonly code = 'SL_EXPORT_FAILED';
  override readonly name = 'ExportFailedError';
  constructor(signal: string, cause: unknown) {
    super(
      `Exporting ${signal} failed: ${describeCause(cause)}. Check that the endpoint is reachable ` +
        '(npx sprintlens doctor).',
      { cause },
    );
  }
}

/** The endpoint refused a batch for good (400 or another non-retryable status): dropped. */
export class ExportRejectedError extends SprintlensError {
  readonly code = 'SL_EXPORT_REJECTED';
  override readonly name = 'ExportRejectedError';
  constructor(signal: string, status: number) {
    super(
      `The endpoint answered ${status} to a ${signal} export; the batch was dropped and counted ` +
        '(sprintlens_exporter_dropped_records_total). Check the endpoint URL and protocol.',
    );
  }
}

/** The transport gave up on records (queue full, retry budget spent, too large, shutdown). */
export class ExportDroppedError extends SprintlensError {
  readonly code = 'SL_EXPORT_DROPPED';
  override readonly name = 'ExportDroppedError';
  constructor(signal: string, reason: string) {
    super(
      `${signal} records were dropped (reason ${reason}) and counted in ` +
        'sprintlens_exporter_dropped_records_total. See docs/exporter.md for this reason.',
    );
  }
}

/** What one signal could not deliver at exit (see {@link ExportUndeliveredAtExitError}). */
export interface UndeliveredAtExitDetails {
  /** `traces`, `logs` or `metrics`. */
  readonly signal: string;
  /** The endpoint, already without credentials or query. */
  readonly url: string;
  /** The network error code that showed nothing answers there. */
  readonly code: string;
  readonly dropped: number;
  readonly spooled: number;
  readonly spoolDir: string | undefined;
}

const RECORD_WORDS: Readonly<Record<string, readonly [string, string]>> = {
  traces: ['span', 'spans'],
  logs: ['log record', 'log records'],
  metrics: ['metric data point', 'metric data points'],
};

/**
 * At exit, nothing answered at the export endpoint (connection refused, unknown host): what was
 * left went to the spool or was counted as dropped, at once, instead of waiting out the bound.
 */
export class ExportUndeliveredAtExitError extends SprintlensError {
  readonly code = 'SL_EXPORT_UNDELIVERED_AT_EXIT';
  override readonly name = 'ExportUndeliveredAtExitError';
  constructor(undelivered: readonly UndeliveredAtExitDetails[]) {
    const where = [...new Set(undelivered.map((u) => `${u.code} from ${redactUrl(u.url)}`))].join(
      ', ',
    );
    const count = (pick: 'dropped' | 'spooled'): string =>
      undelivered
        .filter((u) => u[pick] > 0)
        .map((u) => {
          const [one, many] = RECORD_WORDS[u.signal] ?? ['record', 'records'];
          return `${u[pick]} ${u[pick] === 1 ? one : many}`;
        })
        .join(', ');
    const dropped = count('dropped');
    const spooled = count('spooled');
    const spoolDir = undelivered.find((u) => u.spoolDir !== undefined)?.spoolDir;
    const parts: string[] = [];
    if (dropped !== '') {
      parts.push(`${dropped} not delivered, counted as dropped (reason shutdown)`);
    }
    if (spooled !== '') {
      parts.push(`${spooled} written to the spool at ${spoolDir ?? '?'}, for the next start`);
    }
    super(
      `At exit nothing answered at the export endpoint (${where}): ${parts.join('; ')}. ` +
        'Start the collector or backend, or fix OTEL_EXPORTER_OTLP_ENDPOINT / SPRINTLENS_ENDPOINT' +
        (dropped !== ''
          ? '; set SPRINTLENS_SPOOL_DIR to keep such telemetry for the next start.'
          : '.'),
    );
  }
}

/** The receiver refused a compressed request; the exporter stepped down for this process. */
export class ExportCompressionRefusedError extends SprintlensError {
  readonly code = 'SL_EXPORT_COMPRESSION_REFUSED';
  override readonly name = 'ExportCompressionRefusedError';
  constructor(details: {
    readonly signal: string;
    readonly url: string;
    readonly status: number;
    readonly refused: string;
    readonly now: string;
  }) {
    const what =
      details.status === 415
        ? `answered 415 to a ${details.refused}-compressed ${details.signal} export`
        : `answered 400 to a ${details.refused}-compressed ${details.signal} export and took ` +
          'the same body uncompressed';
    super(
      `The endpoint ${redactUrl(details.url)} ${what}: ${details.signal} exports are sent with ` +
        `${details.now === 'none' ? 'no compression' : details.now} for the rest of this ` +
        'process, and nothing was lost. Enable the encoding on the receiver, or set ' +
        `SPRINTLENS_COMPRESSION=${details.now} to skip the first attempt.`,
    );
  }
}

/**
 * `sprintlens doctor`: no HTTP answer came back from the trace endpoint (connection refused,
 * unknown host, TLS failure, timeout, reset, a port that cannot be used). `reason` names the
 * cause with the network error code, `advice` what to do about it.
 */
export class DoctorEndpointUnreachableError extends SprintlensError {
  readonly code = 'SL_DOCTOR_ENDPOINT_UNREACHABLE';
  override readonly name = 'DoctorEndpointUnreachableError';
  constructor(url: string, reason: string, advice: string) {
    super(`The endpoint ${redactUrl(url)} did not answer: ${reason}. ${advice}`);
  }
}

/**
 * `sprintlens doctor`: the trace endpoint answered, but with a status an OTLP receiver does not
 * give an acceptable request (404, 415, a redirect, 5xx…); 401/403 are {@link AuthRejectedError}.
 */
export class DoctorEndpointRejectedError extends SprintlensError {
  readonly code = 'SL_DOCTOR_ENDPOINT_REJECTED';
  override readonly name = 'DoctorEndpointRejectedError';
  constructor(url: string, status: number, reason: string, advice: string) {
    super(`The endpoint ${redactUrl(url)} answered ${status}: ${reason}. ${advice}`);
  }
}

/** The endpoint answered 401 or 403 (exporter, or `sprintlens doctor`). */
export class AuthRejectedError extends SprintlensError {
  readonly code = 'SL_AUTH_REJECTED';
  override readonly name = 'AuthRejectedError';
  /**
   * @param credentials where the credentials come from, for the advice; by default both places
   *   (the backend's API key, a collector's headers or URL user info).
   */
  constructor(
    url: string,
    status: number,
    credentials = 'SPRINTLENS_API_KEY (Sprint Lens backend), or the credentials in ' +
      'OTEL_EXPORTER_OTLP_HEADERS or the URL (collector)',
  ) {
    super(
      `The endpoint ${redactUrl(url)} answered ${status}: the credentials are missing, wrong ` +
        `or lack permission. Check ${credentials}.`,
    );
  }
}

/**
 * A `sprintlens` command-line argument is wrong: an unknown command or flag, a flag given twice,
 * without its value or with a bad one. The command does not run; exit status 2.
 * (`sprintlens dev-backend` reports its flags with `SL_DEV_BACKEND_INVALID_FLAG`.)
 */
export class CliInvalidArgumentError extends SprintlensError {
  readonly code = 'SL_CLI_INVALID_ARGUMENT';
  override readonly name = 'CliInvalidArgumentError';
  /** @param command the command whose help lists the arguments, e.g. `doctor` (or `''`). */
  constructor(command: string, argument: string, problem: string) {
    const help =
      command === ''
        ? '`sprintlens help` for the commands'
        : `\`sprintlens ${command} --help\` for the flags`;
    super(`${argument}: ${problem}. Run ${help}.`);
  }
}

/** The metrics server could not listen (`SPRINTLENS_METRICS_PORT`). */
export class MetricsServerFailedError extends SprintlensError {
  readonly code = 'SL_METRICS_SERVER_FAILED';
  override readonly name = 'MetricsServerFailedError';
  constructor(host: string, port: number, cause: unknown) {
    super(
      `The metrics server could not listen on ${host}:${port} (${describeCause(cause)}); ` +
        '/metrics and /healthz are not served. Choose a free SPRINTLENS_METRICS_PORT.',
      { cause },
    );
  }
}

/** Where a spool condition happened (no payload, ever). */
export interface SpoolErrorDetails {
  /** `traces`, `logs` or `metrics`. */
  readonly signal: string;
  /** The spool directory or file concerned. */
  readonly path: string;
  readonly cause?: unknown;
}

/** A batch could not be written to the disk spool; it is lost and counted. */
export class SpoolWriteFailedError extends SprintlensError {
  readonly code = 'SL_SPOOL_WRITE_FAILED';
  override readonly name = 'SpoolWriteFailedError';
  constructor(details: SpoolErrorDetails) {
    super(
      `A ${details.signal} batch could not be written to the spool at ${details.path} ` +
        `(${describeCause(details.cause)}); it was dropped and counted. Check that ` +
        'SPRINTLENS_SPOOL_DIR is writable and the disk is not full.',
      { cause: details.cause },
    );
  }
}

/** Scanning, claiming, acknowledging or releasing spooled entries failed; retried later. */
export class SpoolReadFailedError extends SprintlensError {
  readonly code = 'SL_SPOOL_READ_FAILED';
  override readonly name = 'SpoolReadFailedError';
  constructor(details: SpoolErrorDetails) {
    super(
      `The ${details.signal} spool at ${details.path} could not be read or updated ` +
        `(${describeCause(details.cause)}); spooled data stays on disk and is tried again ` +
        'later. Check the permissions of SPRINTLENS_SPOOL_DIR.',
      { cause: details.cause },
    );
  }
}

/** A spool file was truncated or damaged; it was deleted and its records counted as lost. */
export class SpoolCorruptFileError extends SprintlensError {
  readonly code = 'SL_SPOOL_CORRUPT_FILE';
  override readonly name = 'SpoolCorruptFileError';
  constructor(details: SpoolErrorDetails & { readonly reason: string }) {
    super(
      `The ${details.signal} spool file ${details.path} is damaged (${details.reason}); it was ` +
        'skipped, deleted and counted. Check the disk if this repeats.',
    );
  }
}

/** The spool reached its size bound; the oldest entries were evicted and counted. */
export class SpoolFullError extends SprintlensError {
  readonly code = 'SL_SPOOL_FULL';
  override readonly name = 'SpoolFullError';
  constructor(details: SpoolErrorDetails & { readonly maxBytes: number }) {
    super(
      `The ${details.signal} spool at ${details.path} reached its bound of ${details.maxBytes} ` +
        'bytes; the oldest batches were evicted and counted. Make the endpoint reachable or ' +
        'raise the spool size.',
    );
  }
}

/** The price file named by `SPRINTLENS_PRICES` (or the `pricesFile` option) could not be used. */
export class ConfigInvalidPricesFileError extends SprintlensError {
  readonly code = 'SL_CONFIG_INVALID_PRICES_FILE';
  override readonly name = 'ConfigInvalidPricesFileError';
  constructor(path: string, reason: string) {
    super(
      `The price file ${JSON.stringify(path.slice(0, 200))} could not be used (${reason}); ` +
        'the shipped prices apply. Fix the file: { "models": { "<model>": { "input": 2.5, ' +
        '"output": 10 } } } in USD per million tokens.',
    );
  }
}

/** sprintlens's own LLM instrumentation code failed; the app's call went on unaffected. */
export class GenAiInstrumentationError extends SprintlensError {
  readonly code = 'SL_GENAI_INSTRUMENTATION_FAILED';
  override readonly name = 'GenAiInstrumentationError';
  constructor(where: string, cause: unknown) {
    super(
      `The LLM instrumentation failed in ${where} (${describeCause(cause)}); the call itself ` +
        'was not affected but its span may be incomplete. Please report this with the SDK ' +
        'versions in use.',
      { cause },
    );
  }
}

/** The backend served a sampling policy that failed validation; the last good one stays. */
export class PolicyInvalidError extends SprintlensError {
  readonly code = 'SL_POLICY_INVALID';
  override readonly name = 'PolicyInvalidError';
  constructor(reason: string) {
    super(
      `The sampling policy from the backend was rejected (${reason}); the last good policy ` +
        '(or the local rates) stays in force. Fix the policy on the backend.',
    );
  }
}

/** The sampling policy could not be fetched; the last good one stays. */
export class PolicyFetchFailedError extends SprintlensError {
  readonly code = 'SL_POLICY_FETCH_FAILED';
  override readonly name = 'PolicyFetchFailedError';
  constructor(reason: string) {
    super(
      `Fetching the sampling policy failed (${reason}); the last good policy (or the local ` +
        'rates) stays in force and the fetch is retried. Check SPRINTLENS_ENDPOINT and the key.',
    );
  }
}

/** A pattern statistics report could not be delivered; that window's stats are lost. */
export class PatternReportFailedError extends SprintlensError {
  readonly code = 'SL_PATTERN_REPORT_FAILED';
  override readonly name = 'PatternReportFailedError';
  constructor(reason: string) {
    super(
      `Sending pattern statistics to the backend failed (${reason}); that window's counts are ` +
        'lost (log sampling goes on). Check SPRINTLENS_ENDPOINT and the key.',
    );
  }
}

/** The function given to an `attributesMiddleware` helper threw; the request went on without. */
export class AttributesSelectorFailedError extends SprintlensError {
  readonly code = 'SL_ATTRIBUTES_SELECTOR_FAILED';
  override readonly name = 'AttributesSelectorFailedError';
  constructor(framework: string, cause: unknown) {
    super(
      `The function given to attributesMiddleware.${framework}() threw (${describeCause(cause)}); ` +
        'the request went on without its attributes. Make the function return the attributes ' +
        '(or undefined) without throwing, e.g. for a request without a session.',
      { cause },
    );
  }
}

/** sprintlens's own Fastify instrumentation code failed; the request went on unaffected. */
export class FastifyInstrumentationError extends SprintlensError {
  readonly code = 'SL_FASTIFY_INSTRUMENTATION_FAILED';
  override readonly name = 'FastifyInstrumentationError';
  constructor(where: string, cause: unknown) {
    super(
      `The Fastify instrumentation failed in ${where} (${describeCause(cause)}); the request ` +
        'itself was not affected but its route name or handler span may be missing. Please ' +
        'report this with the Fastify and sprintlens versions in use.',
      { cause },
    );
  }
}

/**
 * An option given to an evaluation function (a built-in evaluator's factory, or
 * `compareExperiments`) is invalid. Thrown when the evaluator or comparison is set up, never
 * while items are evaluated.
 */
export class EvaluationInvalidOptionError extends SprintlensError {
  readonly code = 'SL_EVALUATION_INVALID_OPTION';
  override readonly name = 'EvaluationInvalidOptionError';
  /**
   * @param where the function, e.g. `rougeL()` or `compareExperiments()`
   * @param option the option's name
   * @param expected what would have been accepted
   */
  constructor(where: string, option: string, expected: string, cause?: unknown) {
    super(
      `${where}: option ${option} is invalid: expected ${expected}. Fix the option.` +
        (cause === undefined ? '' : ` (${describeCause(cause)})`),
      cause === undefined ? undefined : { cause },
    );
  }
}

/** `compareExperiments` was given something that is not a `sprintlens.experiment.v1` result. */
export class EvaluationNotExperimentResultError extends SprintlensError {
  readonly code = 'SL_EVALUATION_NOT_EXPERIMENT_RESULT';
  override readonly name = 'EvaluationNotExperimentResultError';
  /**
   * @param which which input, e.g. `a` or a file name
   * @param found what was found instead, already safe to print
   */
  constructor(which: string, found: string) {
    super(
      `${which} is not an experiment result (${found}): compare takes the JSON result files ` +
        'that runExperiment writes, with "format": "sprintlens.experiment.v1".',
    );
  }
}

/**
 * `recordEvaluation` was given something it could not record as it is: no name (nothing is
 * recorded), a score that is not a finite number (recorded without it), a value of the wrong
 * type, or text past its bound (cut). Never thrown; reported at most once a minute.
 */
export class EvaluationInvalidRecordError extends SprintlensError {
  readonly code = 'SL_EVALUATION_INVALID_RECORD';
  override readonly name = 'EvaluationInvalidRecordError';
  /** @param problem what was wrong and what was done, never the content itself */
  constructor(problem: string) {
    super(`recordEvaluation: ${problem}. Fix the call; see docs/evaluation.md for the fields.`);
  }
}

/**
 * `recordEvaluation` was called with no logger provider registered (before `start()`, or with
 * the SDK disabled): the evaluation was counted, not exported.
 */
export class EvaluationNotExportedError extends SprintlensError {
  readonly code = 'SL_EVALUATION_NOT_EXPORTED';
  override readonly name = 'EvaluationNotExportedError';
  constructor() {
    super(
      'recordEvaluation was called while no OpenTelemetry logger provider is registered ' +
        '(before start(), or with the SDK disabled): the evaluation was not exported. Call ' +
        'start() (or run with --require/--import sprintlens/register) first.',
    );
  }
}

/** A dataset line or item could not be used; it was skipped and counted, the rest runs. */
export class EvaluationInvalidDatasetLineError extends SprintlensError {
  readonly code = 'SL_EVALUATION_INVALID_DATASET_LINE';
  override readonly name = 'EvaluationInvalidDatasetLineError';
  /**
   * @param where e.g. `data.jsonl line 7` or `data[3]`
   * @param problem what is wrong, never the line's content
   */
  constructor(where: string, problem: string) {
    super(
      `${where} was skipped: ${problem}. Each item needs an "input" (and may have "id", ` +
        '"expected", "metadata"); fix the line to include it in the next run.',
    );
  }
}

/**
 * `runExperiment` cannot run: a required option is missing or wrong, or the dataset file cannot
 * be read. The returned promise rejects with this error; nothing has run.
 */
export class EvaluationInvalidExperimentError extends SprintlensError {
  readonly code = 'SL_EVALUATION_INVALID_EXPERIMENT';
  override readonly name = 'EvaluationInvalidExperimentError';
  constructor(problem: string, cause?: unknown) {
    super(
      `runExperiment: ${problem}` + (cause === undefined ? '' : ` (${describeCause(cause)})`),
      cause === undefined ? undefined : { cause },
    );
  }
}

/** An experiment's result file or JUnit report could not be written; the run's result stands. */
export class EvaluationOutputFailedError extends SprintlensError {
  readonly code = 'SL_EVALUATION_OUTPUT_FAILED';
  override readonly name = 'EvaluationOutputFailedError';
  constructor(path: string, cause: unknown) {
    super(
      `The experiment output ${JSON.stringify(path.slice(0, 200))} could not be written ` +
        `(${describeCause(cause)}); the run's result is still returned. Check the directory ` +
        'exists and is writable.',
      { cause },
    );
  }
}

/**
 * Every code in use by the runtime. A test checks it against the classes above and
 * `docs/errors.md`. The dev backend's codes (`SL_DEV_BACKEND_…`) live in its own catalogue,
 * `dev-backend/errors.ts`; the test also checks that no code is in both.
 */
export const ERROR_CODES = [
  'SL_CONFIG_INVALID_BOOLEAN',
  'SL_CONFIG_INVALID_NUMBER',
  'SL_CONFIG_INVALID_RATE',
  'SL_CONFIG_INVALID_ENUM',
  'SL_CONFIG_INVALID_URL',
  'SL_CONFIG_INVALID_HEADERS',
  'SL_CONFIG_INVALID_KEY_VALUE_LIST',
  'SL_CONFIG_INVALID_SEVERITY_RATES',
  'SL_CONFIG_UNKNOWN_INSTRUMENTATION',
  'SL_CONFIG_UNSUPPORTED_PROTOCOL',
  'SL_CONFIG_INVALID_OPTION_TYPE',
  'SL_CONFIG_ENDPOINT_CONFLICT',
  'SL_CONFIG_API_KEY_WITHOUT_ENDPOINT',
  'SL_START_FOREIGN_PROVIDER',
  'SL_START_FAILED',
  'SL_NODE_UNSUPPORTED',
  'SL_ESM_HOOK_FAILED',
  'SL_SHUTDOWN_TIMEOUT',
  'SL_SHUTDOWN_FAILED',
  'SL_EXPORT_FAILED',
  'SL_EXPORT_REJECTED',
  'SL_EXPORT_DROPPED',
  'SL_EXPORT_UNDELIVERED_AT_EXIT',
  'SL_EXPORT_COMPRESSION_REFUSED',
  'SL_DOCTOR_ENDPOINT_UNREACHABLE',
  'SL_AUTH_REJECTED',
  'SL_METRICS_SERVER_FAILED',
  'SL_SPOOL_WRITE_FAILED',
  'SL_SPOOL_READ_FAILED',
  'SL_SPOOL_CORRUPT_FILE',
  'SL_SPOOL_FULL',
  'SL_POLICY_INVALID',
  'SL_POLICY_FETCH_FAILED',
  'SL_PATTERN_REPORT_FAILED',
  'SL_CONFIG_INVALID_PRICES_FILE',
  'SL_GENAI_INSTRUMENTATION_FAILED',
  'SL_DOCTOR_ENDPOINT_REJECTED',
  'SL_CLI_INVALID_ARGUMENT',
  'SL_CONFIG_INVALID_PATH_LIST',
  'SL_ATTRIBUTES_SELECTOR_FAILED',
  'SL_FASTIFY_INSTRUMENTATION_FAILED',
  'SL_EVALUATION_INVALID_OPTION',
  'SL_EVALUATION_NOT_EXPERIMENT_RESULT',
  'SL_EVALUATION_INVALID_RECORD',
  'SL_EVALUATION_NOT_EXPORTED',
  'SL_EVALUATION_INVALID_DATASET_LINE',
  'SL_EVALUATION_INVALID_EXPERIMENT',
  'SL_EVALUATION_OUTPUT_FAILED',
] as const;

/** Codes that were once used and must never be given to another condition. */
export const RETIRED_CODES: readonly string[] = [];

export type ErrorCode = (typeof ERROR_CODES)[number];

/** A cause rendered for a message: the error's class and code, never its payload. */
export function describeCause(cause: unknown): string {
  if (cause instanceof SprintlensError) return cause.code;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? `${cause.name} ${code}` : cause.name;
  }
  return typeof cause;
}
