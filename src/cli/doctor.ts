import { createRequire } from 'node:module';
import { join } from 'node:path';
import { INSTRUMENTATIONS } from '../../instrumentations/registry';
import { redactConfig } from '../config/redact';
import { resolveConfig } from '../config/resolve';
import type { ResolvedConfig } from '../config/options';
import { AuthRejectedError, DoctorEndpointUnreachableError } from '../errors';
import type { SprintlensError } from '../errors';
import { selectInstrumentations } from '../get-instrumentations';
import { VERSION } from '../version';

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  readonly args: readonly string[];
  readonly out: NodeJS.WritableStream;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where the app's packages are looked up. Default: the working directory. */
  readonly cwd?: string;
}

const MIN_NODE = [22, 15] as const;
const DEFAULT_PROBE_TIMEOUT_MS = 5_000;

/**
 * `sprintlens doctor`: prints the resolved configuration (secrets redacted), every validation
 * warning with its code, whether the trace endpoint accepts an OTLP request, and for each
 * instrumentation whether its package is installed. Returns the exit status: 0 when all is
 * well, 1 when something needs attention.
 */
export async function runDoctor(options: DoctorOptions): Promise<number> {
  const print = (line = ''): void => void options.out.write(line + '\n');
  const timeoutMillis = parseTimeout(options.args);
  const { config, warnings } = resolveConfig({}, options.env ? { env: options.env } : {});
  const problems: SprintlensError[] = [...warnings];
  let nodeOk = true;

  print(`sprintlens ${VERSION} doctor`);
  print();
  print(`Node.js ${process.versions.node}`);
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    nodeOk = false;
    print(`  problem: sprintlens needs Node.js ${MIN_NODE.join('.')} or later`);
  }
  print();
  print('Configuration (secrets redacted):');
  print(indent(JSON.stringify(redactConfig(config), null, 2)));
  print();
  print(warnings.length === 0 ? 'Configuration warnings: none' : 'Configuration warnings:');
  for (const warning of warnings) print(`  ${warning.code} ${warning.message}`);
  print();

  if (config.disabled) {
    print('OTEL_SDK_DISABLED is true: nothing is exported, the endpoint is not checked.');
  } else {
    print(`Endpoint (${config.mode} mode): ${config.traces.url}`);
    const probe = await probeEndpoint(config, timeoutMillis);
    if (probe.error) problems.push(probe.error);
    print(
      `  ${probe.error ? `problem: ${probe.error.code} ${probe.error.message}` : probe.summary}`,
    );
  }
  print();

  print('Instrumentations:');
  const selected = new Set(selectInstrumentations(config).map((e) => e.name));
  const appRequire = createRequire(join(options.cwd ?? process.cwd(), 'noop.js'));
  for (const entry of INSTRUMENTATIONS) {
    const installed = entry.modules.map(
      (m) => `${m} ${installedVersion(appRequire, m) ?? 'not installed'}`,
    );
    const state =
      entry.create === undefined
        ? 'not in this release'
        : selected.has(entry.name)
          ? 'enabled'
          : 'disabled by configuration';
    const target = entry.modules.length === 0 ? 'built-in' : installed.join(', ');
    print(`  ${entry.name.padEnd(10)} ${state.padEnd(26)} ${target}`);
  }
  print();
  const ok = problems.length === 0 && nodeOk;
  print(ok ? 'All good.' : `${problems.length + (nodeOk ? 0 : 1)} problem(s) found.`);
  return ok ? 0 : 1;
}

function parseTimeout(args: readonly string[]): number {
  const at = args.indexOf('--timeout');
  const value = at >= 0 ? Number(args[at + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_PROBE_TIMEOUT_MS;
}

function installedVersion(appRequire: NodeJS.Require, name: string): string | undefined {
  try {
    const pkg = appRequire(`${name}/package.json`) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown version';
  } catch {
    return undefined;
  }
}

interface ProbeResult {
  readonly summary: string;
  readonly error?: SprintlensError;
}

/**
 * Sends an empty OTLP trace export (no spans, so nothing shows up in the backend) and reads
 * the answer. A 400 still proves that an OTLP receiver is there: some reject empty bodies.
 */
async function probeEndpoint(config: ResolvedConfig, timeoutMillis: number): Promise<ProbeResult> {
  const { url, headers, protocol } = config.traces;
  const json = protocol === 'http/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': json ? 'application/json' : 'application/x-protobuf' },
      body: json ? '{"resourceSpans":[]}' : new Uint8Array(0),
      signal: AbortSignal.timeout(timeoutMillis),
    });
    await response.arrayBuffer();
  } catch (error) {
    return { summary: '', error: new DoctorEndpointUnreachableError(url, networkReason(error)) };
  }
  const status = response.status;
  if (status === 401 || status === 403)
    return { summary: '', error: new AuthRejectedError(url, status) };
  if ((status >= 200 && status < 300) || status === 400) {
    return { summary: `ok: answered ${status} to an empty OTLP request` };
  }
  return { summary: '', error: new DoctorEndpointUnreachableError(url, `HTTP ${status}`) };
}

function networkReason(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'no answer in time';
    const cause = (error as { cause?: { code?: unknown } }).cause;
    if (cause && typeof cause.code === 'string') return cause.code;
    return error.name;
  }
  return 'unknown error';
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}
