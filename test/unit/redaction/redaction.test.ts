import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_REDACTION_KINDS,
  createRedactor,
  ibanChecksumValid,
  luhnValid,
  redactionMarker,
} from '../../../src/redaction';
import type { BuiltinRedactionKind } from '../../../src/redaction';
import { createFinder } from '../../../src/redaction/redactor';

// All values below are synthetic: card numbers are well-known test numbers or computed with
// a Luhn digit, IBANs have computed check digits, keys are made-up characters.

const redact = createRedactor();

/** Positive examples per kind: the whole text is `prefix + value + suffix`. */
const POSITIVES: Record<BuiltinRedactionKind, readonly string[]> = {
  email: [
    'jane.doe@example.com',
    'JOHN+billing@mail.example.co.uk',
    'a_b-c%d@sub.example.org',
    'x@example.io',
    'user@xn--bcher-kva.example',
  ],
  phone: [
    '+1 (415) 555-0132',
    '(415) 555-0132',
    '415-555-0132',
    '415.555.0132',
    '1-800-555-0199',
    '+44 20 7946 0958',
    '+44 (0)20 7946 0958',
    '020 7946 0958',
    '07700 900123',
    '0044 20 7946 0958',
    '+49 30 12345678',
    '+4915123456789',
    '06 12 34 56 78',
    '06.12.34.56.78',
    '+33 1 23 45 67 89',
    '03-1234-5678',
    '+81 90-1234-5678',
    '(02) 9876 5432',
    '0412 345 678',
    '(11) 91234-5678',
    '+91 98765 43210',
    '098765 43210',
  ],
  credit_card: [
    '4111 1111 1111 1111',
    '4111-1111-1111-1111',
    '4111111111111111',
    '5555 5555 5555 4444',
    '2223 0031 2200 3222',
    '3782 822463 10005',
    '371449635398431',
    '6011 1111 1111 1117',
    '3530 1113 3330 0000',
    '3056 930902 5904',
    '4222222222222',
  ],
  iban: [
    'DE89 3704 0044 0532 0130 00',
    'DE89370400440532013000',
    'GB82 WEST 1234 5698 7654 32',
    'GB82WEST12345698765432',
    'FR14 2004 1010 0505 0001 3M02 606',
    'NL91ABNA0417164300',
    'BE68539007547034',
    'NO9386011117947',
  ],
  bearer_token: ['abcDEF123456ghiJKL789', 'mF_9.B5f-4.1JqM', '0123456789abcdef0123=='],
  jwt: [
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIn0.',
    'eyJraWQiOiJhYmMifQ.eyJpc3MiOiJ4In0.c2lnbmF0dXJlLWZha2U',
  ],
  openai_api_key: [
    'sk-FAKEabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ',
    'sk-proj-FAKE_abcdefghijklmnop-qrstuvwxyz0123456789ABCDEF',
    'sk-svcacct-FAKEabcdefghijklmnopqrstu0123456789',
  ],
  anthropic_api_key: ['sk-ant-api03-FAKEabcdefghijklmnop_qrstuvwxyz-0123456789AA'],
  aws_access_key_id: ['AKIAFAKE2345EXAMPLE7', 'ASIAFAKEFAKEFAKE2345'],
  github_token: [
    'ghp_FAKEabcdefghijklmnopqrstuvwxyz012345',
    'github_pat_FAKE0123456789abcdefgh_ijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123',
  ],
  google_api_key: ['AIzaFAKE_abcdefghijklmnopqrstuvwxyz0123'],
  slack_token: ['xoxb-123456789012-1234567890123-FAKEabcdefghijklmnopqrst'],
  stripe_key: ['sk_live_FAKEabcdefghijkl0123456789', 'rk_test_FAKEabcdefghijkl0123456789'],
};

/** Contexts every positive must be found in. */
const CONTEXTS: ReadonlyArray<[string, string]> = [
  ['', ''],
  ['Please use ', ' for this.'],
  ['value: "', '"'],
  ['(', ')'],
  ['{"content":"line one\\n', '\\nline two"}'],
];

function contextFor(kind: BuiltinRedactionKind): ReadonlyArray<[string, string]> {
  return kind === 'bearer_token'
    ? CONTEXTS.map(([p, s]) => [`${p}Authorization: Bearer `, s])
    : CONTEXTS;
}

describe('checksums', () => {
  it('luhnValid accepts valid numbers and rejects altered ones', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111 1111 1111 1111')).toBe(true);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });

  it('ibanChecksumValid accepts valid IBANs and rejects altered ones', () => {
    expect(ibanChecksumValid('DE89370400440532013000')).toBe(true);
    expect(ibanChecksumValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanChecksumValid('DE88370400440532013000')).toBe(false);
    expect(ibanChecksumValid('GB82WEST12345698765433')).toBe(false);
    expect(ibanChecksumValid('DE89 3704')).toBe(false);
  });
});

describe('built-in detectors', () => {
  for (const kind of BUILTIN_REDACTION_KINDS) {
    describe(kind, () => {
      for (const value of POSITIVES[kind]) {
        it(`redacts ${value}`, () => {
          for (const [prefix, suffix] of contextFor(kind)) {
            expect(redact(prefix + value + suffix)).toBe(prefix + redactionMarker(kind) + suffix);
          }
        });
      }
    });
  }

  it('uses the [REDACTED:<kind>] marker', () => {
    expect(redact('mail jane@example.com now')).toBe('mail [REDACTED:email] now');
  });

  it('keeps the word Bearer and redacts only the token', () => {
    expect(redact('Authorization: bearer abcDEF123456ghiJKL789')).toBe(
      'Authorization: bearer [REDACTED:bearer_token]',
    );
  });

  it('finds several secrets of several kinds in one text', () => {
    const text =
      'Customer jane@example.com, card 4111 1111 1111 1111, IBAN DE89370400440532013000, ' +
      'phone +44 20 7946 0958, key AKIAFAKE2345EXAMPLE7.';
    expect(redact(text)).toBe(
      'Customer [REDACTED:email], card [REDACTED:credit_card], IBAN [REDACTED:iban], ' +
        'phone [REDACTED:phone], key [REDACTED:aws_access_key_id].',
    );
  });

  it('finds a card followed by more numbers', () => {
    expect(redact('card 4111 1111 1111 1111 12 27')).toBe('card [REDACTED:credit_card] 12 27');
  });

  const NEGATIVES: readonly string[] = [
    'Order 4829301 shipped on 2024-03-15 at 10:30:00.',
    '2024-03-15T10:22:31Z',
    '15.03.2024 and 03/15/2024 and 15 03 2024',
    'version 1.2.3, node 20.11.1, 2.14.0-beta.3',
    'server 192.168.100.200 and 10.0.0.1',
    'uuid 550e8400-e29b-41d4-a716-446655440000',
    'sha 9fceb02d0ae598e95dc970b74767f19372d61af8',
    '4111 1111 1111 1112',
    '1234567812345678',
    'DE88 3704 0044 0532 0130 00',
    'GB82WEST12345698765433',
    'sketch a skyline, task-12345678901234567890abc, sk-learn',
    'sk-this-is-not-a-real-key-just-prose',
    'aGVsbG8gd29ybGQ= and eyJmb28iOiJiYXIifQ==',
    'use a Bearer token; Bearer authentication; Bearer YOUR_TOKEN_HERE',
    'lodash@4.17.21, @types/node, user@localhost, foo@bar',
    '3 + 4 = 7, (12) + (34), 1 234 567',
    'timestamp 1710498151123',
    'ASIAN markets, AKIA1234',
    'order 4155550132',
    'ISBN 978-3-16-148410-0',
  ];
  for (const text of NEGATIVES) {
    it(`leaves alone: ${text}`, () => {
      expect(redact(text)).toBe(text);
    });
  }
});

describe('options', () => {
  it('disables a built-in by kind', () => {
    const r = createRedactor({ disabledKinds: ['email'] });
    expect(r('jane@example.com 4111111111111111')).toBe('jane@example.com [REDACTED:credit_card]');
  });

  it('with every built-in disabled, returns the input', () => {
    const r = createRedactor({ disabledKinds: BUILTIN_REDACTION_KINDS });
    const text = 'jane@example.com 4111111111111111 AKIAFAKE2345EXAMPLE7';
    expect(r(text)).toBe(text);
  });

  it('lets another detector take a token when its own kind is disabled', () => {
    const r = createRedactor({ disabledKinds: ['bearer_token'] });
    expect(r('Authorization: Bearer sk-FAKEabcdefghijklmnopqrstuvwxyz0123456789')).toBe(
      'Authorization: Bearer [REDACTED:openai_api_key]',
    );
  });

  it('applies custom patterns, adding the global flag without touching the caller regex', () => {
    const pattern = /CUST-\d{6}/;
    const r = createRedactor({ patterns: [{ kind: 'customer_id', pattern }] });
    expect(r('CUST-004211 and CUST-998877, mail jane@example.com')).toBe(
      '[REDACTED:customer_id] and [REDACTED:customer_id], mail [REDACTED:email]',
    );
    expect(pattern.flags).toBe('');
    expect(r('again CUST-123456')).toBe('again [REDACTED:customer_id]');
  });

  it('keeps the flags of a custom pattern and ignores empty matches', () => {
    const r = createRedactor({
      patterns: [
        { kind: 'name', pattern: /\bzoe\b/gi },
        { kind: 'empty', pattern: /x*/g },
      ],
    });
    expect(r('Zoe met zoe')).toBe('[REDACTED:name] met [REDACTED:name]');
  });

  it('merges a custom match that overlaps a built-in finding', () => {
    const r = createRedactor({ patterns: [{ kind: 'contact', pattern: /contact: \S+/ }] });
    expect(r('contact: jane@example.com now')).toBe('[REDACTED:contact] now');
  });

  it('applies the custom function after built-ins and patterns', () => {
    const seen: string[] = [];
    const r = createRedactor({
      custom: (text) => {
        seen.push(text);
        return text.replaceAll('Alice', '[REDACTED:name]');
      },
    });
    expect(r('Alice: jane@example.com')).toBe('[REDACTED:name]: [REDACTED:email]');
    expect(seen).toEqual(['Alice: [REDACTED:email]']);
  });

  it('fails closed when the custom function throws or returns a non-string', () => {
    const throwing = createRedactor({
      custom: () => {
        throw new Error('boom');
      },
    });
    expect(throwing('secret text')).toBe('[REDACTED:redaction_error]');
    const wrong = createRedactor({ custom: (() => 42) as unknown as (t: string) => string });
    expect(wrong('secret text')).toBe('[REDACTED:redaction_error]');
  });

  it('rejects invalid options at creation', () => {
    const bad = [{ kind: '', pattern: /x/ }];
    expect(() => createRedactor({ patterns: bad })).toThrow(TypeError);
    const notRegex = [{ kind: 'k', pattern: 'x' as unknown as RegExp }];
    expect(() => createRedactor({ patterns: notRegex })).toThrow(TypeError);
    const notFn = { custom: 'x' as unknown as (t: string) => string };
    expect(() => createRedactor(notFn)).toThrow(TypeError);
  });
});

describe('robustness', () => {
  it('returns the input itself when nothing matches', () => {
    const text = 'Summarise the quarterly report in three bullet points, please. '.repeat(100);
    expect(redact(text)).toBe(text);
    expect(redact('')).toBe('');
  });

  it('never throws on odd strings', () => {
    const odd = [
      '',
      '\ud800',
      '\udc00abc\ud800',
      'a\u0000b',
      '@',
      '+',
      '(',
      'sk-',
      'eyJ',
      'eyJ.',
      'eyJabcdefghijk..',
      'Bearer',
      'Bearer ',
      'AKIA',
      'DE89',
      '\\',
      '\\n',
      '@@@',
      '.@.',
      '+(',
      '(0)',
      '+1 (',
      'x@y.',
      '😀 jane@example.com 😀',
    ];
    for (const text of odd) expect(typeof redact(text)).toBe('string');
  });

  it('handles adversarial 100 KB inputs (no timing assertion)', () => {
    const size = 100_000;
    const fill = (unit: string): string => unit.repeat(Math.ceil(size / unit.length));
    const inputs = [
      fill('a@a.a@'),
      fill('a'),
      fill('7'),
      fill('1 '),
      fill('1-'),
      fill('+1 '),
      fill('(1)'),
      fill('4111 '),
      '4' + fill('0'),
      fill('eyJ'),
      'eyJ' + fill('A') + '.' + fill('B') + '.' + fill('C'),
      fill('sk-'),
      'sk-' + fill('a1'),
      fill('Bearer '),
      'Bearer ' + fill('x'),
      fill('AKIA'),
      fill('DE89 '),
      fill('x@'),
      fill('@x.'),
      fill('a.'),
      fill('\\n'),
      fill('\ud800'),
    ];
    for (const text of inputs) expect(typeof redact(text)).toBe('string');
  });

  it('survives random inputs built from trigger characters', () => {
    let state = 12345;
    const next = (): number => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state;
    };
    const alphabet = ['@', '.', '-', ' ', '+', '(', ')', '0', '4', '1', 'a', 'A', 'K', 'I', 'e'];
    const pieces = ['sk-', 'eyJ', 'Bearer ', 'AKIA', 'DE89', 'x.com', '\\n', 'ghp_', 'xoxb-'];
    for (let n = 0; n < 300; n++) {
      let text = '';
      const len = next() % 200;
      for (let k = 0; k < len; k++) {
        text +=
          next() % 5 === 0 ? pieces[next() % pieces.length] : alphabet[next() % alphabet.length];
      }
      const once = redact(text);
      expect(typeof once).toBe('string');
      expect(redact(once)).toBe(once);
    }
  });
});

// ---------------------------------------------------------------------------------------
// Labelled corpus: recall and precision.

interface CorpusCase {
  text: string;
  secrets: Array<{ kind: string; value: string }>;
}

function loadCorpus(): CorpusCase[] {
  const file = join(__dirname, '../../fixtures/redaction/corpus.jsonl');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CorpusCase);
}

function occurrences(text: string, value: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + 1)) {
    out.push([at, at + value.length]);
  }
  return out;
}

interface Tally {
  labelled: number;
  removed: number;
  redactions: number;
  correct: number;
}

describe('labelled corpus', () => {
  const corpus = loadCorpus();
  const find = createFinder();

  it('has enough cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
  });

  it('reaches recall >= 0.99 and precision >= 0.95', () => {
    const tally = new Map<string, Tally>();
    const get = (kind: string): Tally => {
      let t = tally.get(kind);
      if (t === undefined) {
        t = { labelled: 0, removed: 0, redactions: 0, correct: 0 };
        tally.set(kind, t);
      }
      return t;
    };
    const misses: string[] = [];
    const falsePositives: string[] = [];

    for (const { text, secrets } of corpus) {
      const findings = find(text);
      const output = redact(text);
      const secretRanges = secrets.flatMap((s) => occurrences(text, s.value));
      for (const secret of secrets) {
        const t = get(secret.kind);
        t.labelled++;
        const ranges = occurrences(text, secret.value);
        const covered =
          ranges.length > 0 &&
          ranges.every(([s, e]) => {
            // Every character of the secret lies inside some finding.
            for (let i = s; i < e; i++) {
              if (!findings.some((f) => f.start <= i && i < f.end)) return false;
            }
            return true;
          });
        if (covered && !output.includes(secret.value)) t.removed++;
        else misses.push(`${secret.kind}: ${secret.value} in ${JSON.stringify(text)}`);
      }
      for (const f of findings) {
        const t = get(f.kind);
        t.redactions++;
        if (secretRanges.some(([s, e]) => f.start < e && s < f.end)) t.correct++;
        else falsePositives.push(`${f.kind}: ${JSON.stringify(text.slice(f.start, f.end))}`);
      }
    }

    const total = [...tally.values()].reduce(
      (a, t) => ({
        labelled: a.labelled + t.labelled,
        removed: a.removed + t.removed,
        redactions: a.redactions + t.redactions,
        correct: a.correct + t.correct,
      }),
      { labelled: 0, removed: 0, redactions: 0, correct: 0 },
    );
    const ratio = (n: number, d: number): string => (d === 0 ? '   -  ' : (n / d).toFixed(4));
    const rows = [...tally.entries()].sort(([a], [b]) => a.localeCompare(b));
    rows.push(['TOTAL', total]);
    const lines = [
      `redaction corpus: ${corpus.length} cases`,
      'kind                labelled removed  recall  redactions correct precision',
      ...rows.map(
        ([kind, t]) =>
          `${kind.padEnd(20)}${String(t.labelled).padStart(8)}${String(t.removed).padStart(8)}` +
          `  ${ratio(t.removed, t.labelled)}${String(t.redactions).padStart(11)}` +
          `${String(t.correct).padStart(8)}    ${ratio(t.correct, t.redactions)}`,
      ),
    ];
    if (misses.length > 0) lines.push('missed:', ...misses.map((m) => `  ${m}`));
    if (falsePositives.length > 0) {
      lines.push('false positives:', ...falsePositives.map((m) => `  ${m}`));
    }
    console.log(lines.join('\n'));

    expect(total.removed / total.labelled).toBeGreaterThanOrEqual(0.99);
    expect(total.correct / total.redactions).toBeGreaterThanOrEqual(0.95);
  });

  it('is idempotent on the corpus', () => {
    for (const { text } of corpus) {
      const once = redact(text);
      expect(redact(once)).toBe(once);
    }
  });
});
