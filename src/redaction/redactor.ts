import type { Finding } from './findings';
import { scan } from './scanner';
import { BUILTIN_REDACTION_KINDS, REDACTION_ERROR_KIND } from './types';
import type {
  BuiltinRedactionKind,
  CustomRedactionPattern,
  RedactionOptions,
  Redactor,
} from './types';

/** The text that replaces a finding of `kind`. */
export function redactionMarker(kind: string): string {
  return `[REDACTED:${kind}]`;
}

interface CompiledPattern {
  readonly kind: string;
  readonly regex: RegExp;
}

/**
 * Build a redaction function from `options`.
 *
 * The built-in detectors (see {@link BuiltinRedactionKind}) run in one linear pass; the
 * user's {@link RedactionOptions.patterns} run over the same original text; all findings
 * are merged (overlaps become one redaction, labelled with the earliest) and the output is
 * built once. Then {@link RedactionOptions.custom}, if any, is applied to the result.
 *
 * The returned function never throws. When nothing is found and there is no `custom`
 * function it returns its argument unchanged (no copy).
 *
 * @throws TypeError when a custom pattern is not `{ kind: non-empty string, pattern: RegExp }`
 *   or `custom` is not a function: a misconfigured redactor must fail at set-up, not let
 *   content through later.
 *
 * @example
 * ```ts
 * const redact = createRedactor({
 *   disabledKinds: ['phone'],
 *   patterns: [{ kind: 'customer_id', pattern: /\bCUST-\d{6}\b/ }],
 * });
 * redact('mail jane@example.com about CUST-004211');
 * // 'mail [REDACTED:email] about [REDACTED:customer_id]'
 * ```
 */
export function createRedactor(options: RedactionOptions = {}): Redactor {
  const find = createFinder(options);
  const custom = options.custom;
  if (custom !== undefined && typeof custom !== 'function') {
    throw new TypeError('redaction option `custom` must be a function (text) => string');
  }

  return (text: string): string => {
    if (typeof text !== 'string') return text;
    let redacted: string;
    try {
      redacted = replaceFindings(text, find(text));
    } catch {
      // Defensive: the built-ins are written not to throw, but a user RegExp can (e.g. a
      // stack overflow on a huge input). Fail closed.
      return redactionMarker(REDACTION_ERROR_KIND);
    }
    if (custom === undefined) return redacted;
    try {
      const result: unknown = custom(redacted);
      return typeof result === 'string' ? result : redactionMarker(REDACTION_ERROR_KIND);
    } catch {
      return redactionMarker(REDACTION_ERROR_KIND);
    }
  };
}

function compilePattern(p: CustomRedactionPattern, index: number): CompiledPattern {
  const candidate: unknown = p;
  if (typeof candidate !== 'object' || candidate === null) {
    throw new TypeError(`redaction pattern #${index} must be an object { kind, pattern }`);
  }
  if (typeof p.kind !== 'string' || p.kind.length === 0) {
    throw new TypeError(`redaction pattern #${index} needs a non-empty string \`kind\``);
  }
  if (!(p.pattern instanceof RegExp)) {
    throw new TypeError(`redaction pattern #${index} (${p.kind}) needs a RegExp \`pattern\``);
  }
  const flags = p.pattern.flags.includes('g') ? p.pattern.flags : p.pattern.flags + 'g';
  return { kind: p.kind, regex: new RegExp(p.pattern.source, flags.replace('y', '')) };
}

/** Every non-empty match of every custom pattern, in text order. */
function customFindings(text: string, patterns: readonly CompiledPattern[]): Finding[] {
  const found: Finding[] = [];
  for (const { kind, regex } of patterns) {
    regex.lastIndex = 0;
    for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
      if (m[0].length === 0) {
        regex.lastIndex = m.index + 1;
        continue;
      }
      found.push({ start: m.index, end: m.index + m[0].length, kind });
    }
  }
  return found;
}

/**
 * The ranges `createRedactor(options)` would replace: built-in findings and custom pattern
 * matches, sorted and merged. Exposed for tests and tools that measure the detectors; it
 * ignores `options.custom`. May throw on a misbehaving user RegExp.
 *
 * @internal
 */
export function createFinder(options: RedactionOptions = {}): (text: string) => Finding[] {
  const disabled = new Set<string>(options.disabledKinds ?? []);
  const enabled: ReadonlySet<BuiltinRedactionKind> = new Set(
    BUILTIN_REDACTION_KINDS.filter((kind) => !disabled.has(kind)),
  );
  const patterns = (options.patterns ?? []).map(compilePattern);
  return (text: string): Finding[] => {
    const builtins = scan(text, enabled);
    if (patterns.length === 0) return builtins;
    const extra = customFindings(text, patterns);
    return extra.length === 0 ? builtins : merge(builtins.concat(extra));
  };
}

/** Replace sorted, non-overlapping `findings` in `text`; `text` itself when there are none. */
function replaceFindings(text: string, findings: readonly Finding[]): string {
  if (findings.length === 0) return text;
  let out = '';
  let pos = 0;
  for (const f of findings) {
    out += text.slice(pos, f.start) + redactionMarker(f.kind);
    pos = f.end;
  }
  return out + text.slice(pos);
}

/** Sort by start (built-ins first on ties, as they come first) and union overlaps. */
function merge(findings: Finding[]): Finding[] {
  const sorted = findings
    .map((f, order) => ({ f, order }))
    .sort((x, y) => x.f.start - y.f.start || x.order - y.order)
    .map(({ f }) => f);
  const out: Finding[] = [];
  for (const f of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && f.start < last.end) {
      if (f.end > last.end) last.end = f.end;
    } else {
      out.push({ ...f });
    }
  }
  return out;
}
