/**
 * Public option types of the redaction module.
 *
 * Redaction runs on every captured string (prompts, completions, tool arguments) before it is
 * put on a span, when content capture is turned on. Each finding is replaced by
 * `[REDACTED:<kind>]`, where `<kind>` is one of the stable strings below or the `kind` of a
 * user pattern.
 */

/**
 * The kinds of the built-in detectors. These strings are stable: they appear in redacted
 * output (`[REDACTED:email]`) and are what {@link RedactionOptions.disabledKinds} accepts.
 *
 * - `email`: e-mail addresses (`jane.doe@example.com`).
 * - `phone`: phone numbers, international (`+44 20 7946 0958`, `+4915123456789`) and common
 *   national layouts with separators (`(415) 555-0132`, `415-555-0132`, `020 7946 0958`,
 *   `06 12 34 56 78`, `0044 20 7946 0958`). Plain digit runs without separators are not
 *   treated as phone numbers.
 * - `credit_card`: payment card numbers, 13 to 19 digits starting with 2 to 6, optionally
 *   grouped by spaces or dashes (4-4-4-4, 4-6-5, ...), Luhn-checked.
 * - `iban`: IBANs with a known country code and length, compact or grouped by four,
 *   mod-97 checked.
 * - `bearer_token`: the token after `Bearer ` (the word `Bearer` itself is kept).
 * - `jwt`: JSON Web Tokens (`eyJ…` header, three dot-separated base64url segments).
 * - `openai_api_key`: `sk-…`, `sk-proj-…` keys.
 * - `anthropic_api_key`: `sk-ant-…` keys.
 * - `aws_access_key_id`: `AKIA…` / `ASIA…` followed by 16 upper-case letters or digits.
 * - `github_token`: `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` and `github_pat_` tokens.
 * - `google_api_key`: `AIza…` keys (39 characters).
 * - `slack_token`: `xoxb-`, `xoxp-`, `xoxa-`, `xoxo-`, `xoxr-`, `xoxs-` tokens.
 * - `stripe_key`: secret and restricted keys (`sk_live_…`, `sk_test_…`, `rk_live_…`,
 *   `rk_test_…`).
 */
export type BuiltinRedactionKind =
  | 'email'
  | 'phone'
  | 'credit_card'
  | 'iban'
  | 'bearer_token'
  | 'jwt'
  | 'openai_api_key'
  | 'anthropic_api_key'
  | 'aws_access_key_id'
  | 'github_token'
  | 'google_api_key'
  | 'slack_token'
  | 'stripe_key';

/** Every built-in kind, in documentation order. All are enabled by default. */
export const BUILTIN_REDACTION_KINDS: readonly BuiltinRedactionKind[] = Object.freeze([
  'email',
  'phone',
  'credit_card',
  'iban',
  'bearer_token',
  'jwt',
  'openai_api_key',
  'anthropic_api_key',
  'aws_access_key_id',
  'github_token',
  'google_api_key',
  'slack_token',
  'stripe_key',
]);

/**
 * The kind used when a {@link RedactionOptions.custom} function throws or returns something
 * other than a string: the whole text is then replaced by `[REDACTED:redaction_error]`, so a
 * failing user function never lets content through unredacted.
 */
export const REDACTION_ERROR_KIND = 'redaction_error';

/** A user-supplied pattern. Every match is replaced by `[REDACTED:<kind>]`. */
export interface CustomRedactionPattern {
  /**
   * Label put in the replacement, e.g. `customer_id` gives `[REDACTED:customer_id]`.
   * Must be a non-empty string.
   */
  readonly kind: string;
  /**
   * What to redact. The global flag is added if missing and the sticky flag dropped (the
   * caller's object is not modified), so every match is replaced; empty matches are ignored. The pattern runs over
   * the original text, so it sees values the built-ins have not replaced yet; where its
   * matches overlap built-in findings the two are merged into one redaction. Avoid patterns
   * with nested quantifiers: they are run as given and could backtrack badly on long input.
   */
  readonly pattern: RegExp;
}

/** Options of {@link createRedactor}. Every field is optional; `{}` gives the defaults. */
export interface RedactionOptions {
  /** Built-in detectors to turn off, by kind. Unknown kinds are ignored. Default: none. */
  readonly disabledKinds?: readonly BuiltinRedactionKind[];
  /** Extra patterns, applied together with the built-ins in the same output pass. */
  readonly patterns?: readonly CustomRedactionPattern[];
  /**
   * A function applied to the text after the built-ins and the patterns have been replaced,
   * for redaction that patterns cannot express (names from a customer list, say). It must
   * return the redacted text. If it throws or returns a non-string, the whole text becomes
   * `[REDACTED:redaction_error]`.
   */
  readonly custom?: (text: string) => string;
}

/**
 * A redaction function: returns `text` with every finding replaced. It never throws, runs in
 * time linear in the length of `text` for the built-in detectors, and returns `text` itself
 * when nothing was found (and no `custom` function changed it).
 */
export type Redactor = (text: string) => string;
