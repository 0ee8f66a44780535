import { describe, it, expect } from 'vitest';
import { LOG_PATTERN_PREFIX_LIMIT, logPattern } from '../../../src/sampling/log-pattern';
import { fnv1a64Hex } from '../../../src/sampling/hash';
import { createRandom } from '../../support/prng';

/** Reference FNV-1a 64 over UTF-16 code units, written the slow obvious way with BigInt. */
function referenceFnv1a64(s: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < s.length; i++) {
    h ^= BigInt(s.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

const template = (m: string): string => logPattern(m).template;

describe('fnv1a64Hex', () => {
  it('matches the published FNV-1a 64 vectors for ASCII input', () => {
    expect(fnv1a64Hex('')).toBe('cbf29ce484222325');
    expect(fnv1a64Hex('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64Hex('foobar')).toBe('85944171f73967e8');
  });

  it('matches a BigInt reference on any UTF-16, lone surrogates included', () => {
    const samples = ['\uffff\ud800x', '\udc00', 'héllo wörld ✓', '𝄞 music', 'x'.repeat(5000)];
    for (const s of samples) expect(fnv1a64Hex(s)).toBe(referenceFnv1a64(s));
  });
});

describe('logPattern determinism', () => {
  // Golden values: if one changes, the algorithm changed and every backend's per-pattern
  // sampling rates silently stop applying. Change them only on purpose, with a release note.
  const golden: ReadonlyArray<readonly [string, string, string]> = [
    ['', '', 'cbf29ce484222325'],
    [
      'Connection from 10.0.0.7:5432 closed after 12 ms',
      'Connection from <*> closed after <*>',
      '9c5c09d7888c9a67',
    ],
    [
      'request 7f3c2a1e-9b4d-4c2a-8e1f-0a9b8c7d6e5f took 12ms',
      'request <*> took <*>',
      '0f18fb498a999389',
    ],
    ['Invalid user admin from 1.2.3.4', 'Invalid user <*> from <*>', '70310852e5989f71'],
    ['pid=4242 status="ok" name=worker', 'pid=<*> status="<*>" name=<*>', '3d56eeac0b8251b8'],
    [
      'synchronized to LOCAL(0), stratum 10',
      'synchronized to <*>, stratum <*>',
      '1e8e9c3a42a6323c',
    ],
    ['workerEnv.init() ok', 'workerEnv.init() ok', 'a581122f05a9042d'],
  ];

  it.each(golden)('%j has a fixed template and id', (message, tpl, id) => {
    expect(logPattern(message)).toEqual({ template: tpl, id });
  });

  it('id is the FNV-1a 64 of the template, as 16 lowercase hex digits', () => {
    for (const [message] of golden) {
      const p = logPattern(message);
      expect(p.id).toMatch(/^[0-9a-f]{16}$/);
      expect(p.id).toBe(referenceFnv1a64(p.template));
    }
  });

  it('gives the same answer whatever was computed before (no state leaks between calls)', () => {
    const first = logPattern('job 17 finished in 3 s');
    logPattern('x'.repeat(100_000));
    logPattern('\ud800');
    logPattern('user bob logged in');
    expect(logPattern('job 17 finished in 3 s')).toEqual(first);
  });

  it('re-applied to its own template gives the same template', () => {
    const messages = [
      'Connection from 10.0.0.7:5432 closed after 12 ms',
      'GET https://example.com/a?b=1 returned 200 in 35.2 ms',
      'blocks 1, 2, 3 deleted',
      'user alice logged in from 2001:db8::1 port 22',
    ];
    for (const m of messages) expect(template(template(m))).toBe(template(m));
  });
});

describe('logPattern variable classes', () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['integers', 'retry 3 of 10', 'retry <*> of <*>'],
    ['negative and decimal numbers', 'offset -42 ratio 0.75', 'offset <*> ratio <*>'],
    ['0x hex', 'fault at 0x7ffee4c0', 'fault at <*>'],
    ['long hex word without digits', 'checksum deadbeefcafebabe bad', 'checksum <*> bad'],
    ['UUID', 'order 7f3c2a1e-9b4d-4c2a-8e1f-0a9b8c7d6e5f paid', 'order <*> paid'],
    ['ISO timestamp', '2024-05-06T07:08:09.123Z job finished', '<*> job finished'],
    ['date and time words', 'Sun Dec 04 04:47:44 2005 started', '<*> started'],
    ['IPv4 with port', 'peer 10.1.2.3:8080 gone', 'peer <*> gone'],
    ['IPv6', 'peer fe80::1ff:fe23:4567:890a gone', 'peer <*> gone'],
    ['e-mail', 'mail to alice@example.com queued', 'mail to <*> queued'],
    ['URL with query', 'GET https://api.example.com/v1/items?id=5&q=x ok', 'GET <*> ok'],
    ['absolute path', 'opened /var/log/app.log', 'opened <*>'],
    ['relative and home paths', 'copy ./tmp/x to ~/notes', 'copy <*> to <*>'],
    ['Windows path', 'read C:\\Temp\\a.txt', 'read <*>'],
    ['key=value', 'pid=4242 mode=fast', 'pid=<*> mode=<*>'],
    ['quoted value', "name='bob' done", "name='<*>' done"],
    ['duration in one token', 'took 12ms', 'took <*>'],
    ['duration with unit word', 'took 12 ms', 'took <*>'],
    ['sizes with unit words', 'heap 4.5 KB, free 812 B', 'heap <*>, free <*>'],
    ['id mixing letters and digits', 'Failed for job_42a and node-7', 'Failed for <*> and <*>'],
    ['host name', 'connected to db.prod.example.com', 'connected to <*>'],
    ['reverse-DNS name', 'job com.example.billing.nightly done', 'job <*> done'],
    ['name(args) with a number', 'synchronized to LOCAL(0)', 'synchronized to <*>'],
    ['user name after user', 'Invalid user admin from x', 'Invalid user <*> from x'],
  ];

  it.each(cases)('%s', (_label, message, expected) => {
    expect(template(message)).toBe(expected);
  });

  it('keeps constant words, punctuation and calls without numbers', () => {
    expect(template('workerEnv.init() ok')).toBe('workerEnv.init() ok');
    expect(template('Cache miss; falling back to disk [slow]')).toBe(
      'Cache miss; falling back to disk [slow]',
    );
  });

  it('treats a verb after user as a word, not a name', () => {
    expect(template('user created')).toBe('user created');
    expect(template('user updated successfully')).toBe('user updated successfully');
    expect(template('user deleting account')).toBe('user deleting account');
  });

  it('merges adjacent variables separated by spaces or commas', () => {
    const one = logPattern('deleted blocks 1 from 10.0.0.1');
    const many = logPattern('deleted blocks 1, 2,3  4 from 10.0.0.1');
    expect(one.template).toBe('deleted blocks <*> from <*>');
    expect(many.id).toBe(one.id);
  });

  it('keeps runs of dots as filler and masks the value after them', () => {
    expect(template('depth.......3')).toBe('depth.......<*>');
    expect(template('Starting... done')).toBe('Starting... done');
  });

  it('collapses whitespace runs and trims the ends', () => {
    expect(template('  lots   of\tspace\r\n ')).toBe('lots of space');
    expect(logPattern('a  b').id).toBe(logPattern('a b').id);
    expect(template('took 5  ,  6 ms')).toBe('took <*>');
    expect(template('n 5  x')).toBe('n <*> x');
  });

  it('groups messages that differ only in values', () => {
    expect(logPattern('took 5 ms').id).toBe(logPattern('took 1200 ms').id);
    expect(logPattern('GET /a/b 200').id).toBe(logPattern('GET /c 404').id);
    expect(logPattern('took 5 ms').id).not.toBe(logPattern('slept 5 ms').id);
  });
});

// Each placeholder replaces at least one unit and needs one literal unit before the next, so a
// template is at most twice the examined prefix, plus a trailing ' <*>'.
const MAX_TEMPLATE = 2 * LOG_PATTERN_PREFIX_LIMIT + 4;

describe('logPattern prefix bound', () => {
  const limit = LOG_PATTERN_PREFIX_LIMIT;

  it('examines only the first LOG_PATTERN_PREFIX_LIMIT code units', () => {
    const head = 'word '.repeat(limit / 5 + 1);
    const a = logPattern(head + 'alpha beta');
    const b = logPattern(head + 'gamma delta epsilon');
    expect(a.id).toBe(b.id);
    expect(a.template.endsWith('<*>')).toBe(true);
    expect(a.template.length).toBeLessThanOrEqual(limit + 4);
  });

  it('makes a token cut by the bound a variable', () => {
    expect(template('x'.repeat(limit * 2))).toBe('<*>');
    const cut = 'y'.repeat(limit - 3);
    expect(logPattern(cut + ' abcdef').id).toBe(logPattern(cut + ' abcxyz').id);
  });

  it('does not truncate a message of exactly the bound', () => {
    const exact = 'w'.repeat(limit);
    expect(template(exact)).toBe(exact);
  });

  it('bounds the template of 100 KB inputs', () => {
    for (const s of ['a1'.repeat(50_000), 'ab '.repeat(40_000), '"'.repeat(100_000)]) {
      expect(template(s).length).toBeLessThanOrEqual(limit + 4);
    }
    expect(template('k='.repeat(50_000)).length).toBeLessThanOrEqual(MAX_TEMPLATE);
  });
});

describe('logPattern never throws', () => {
  const adversarial: readonly string[] = [
    '',
    ' ',
    ' \t\n\r\f\v ',
    '\u00a0\u2028\u3000',
    '\u0000\u0001\u0002\u001b[31mred\u001b[0m',
    '\ud800',
    '\udc00',
    'lone \ud800 high and \udfff low 12',
    '\udc00\ud800 reversed pair',
    '𝄞𝄞𝄞 1',
    '<*> <*> literal placeholders',
    '='.repeat(5000),
    'a='.repeat(50_000),
    '1.'.repeat(50_000),
    'a('.repeat(50_000),
    '('.repeat(100_000),
    ')'.repeat(100_000),
    '.'.repeat(100_000),
    ','.repeat(100_000),
    ' '.repeat(100_000),
    '\t,'.repeat(50_000),
    'http://'.repeat(15_000),
    '@'.repeat(100_000),
    'user '.repeat(20_000),
    '9 ms '.repeat(20_000),
    'C:\\'.repeat(30_000),
  ];

  it.each(adversarial.map((s) => [s.slice(0, 24), s] as const))('%j', (_label, s) => {
    const p = logPattern(s);
    expect(p.id).toMatch(/^[0-9a-f]{16}$/);
    expect(p.id).toBe(referenceFnv1a64(p.template));
    expect(p.template.length).toBeLessThanOrEqual(MAX_TEMPLATE);
  });

  it('whitespace-only and empty input give the empty template', () => {
    expect(logPattern('   \t\n')).toEqual(logPattern(''));
    expect(template('')).toBe('');
  });

  it('keeps invalid UTF-16 as is and hashes it consistently', () => {
    const p = logPattern('bad \ud800 surrogate');
    expect(p.template).toBe('bad \ud800 surrogate');
    expect(logPattern('bad \ud800 surrogate').id).toBe(p.id);
    expect(p.id).not.toBe(logPattern('bad \udc00 surrogate').id);
  });

  it('accepts non-string values from untyped callers', () => {
    const values: unknown[] = [
      undefined,
      null,
      42,
      Symbol('s'),
      {
        toString() {
          throw new Error('boom');
        },
      },
    ];
    for (const v of values) {
      expect(() => logPattern(v as string)).not.toThrow();
    }
  });

  it('survives random input drawn from tricky characters', () => {
    const alphabet = [' ', '\t', '=', '"', "'", '(', ')', '.', ',', ':', '/', '@', '-', '_', '0'];
    alphabet.push('9', 'a', 'f', 'z', 'Z', 'é', '\ud800', '\udc00', '\u0000', 'user', 'ms', 'com');
    const rand = createRandom(1234);
    for (let round = 0; round < 500; round++) {
      let s = '';
      const len = Math.floor(rand() * 300);
      for (let k = 0; k < len; k++) s += alphabet[Math.floor(rand() * alphabet.length)];
      const p = logPattern(s);
      expect(p.id).toBe(referenceFnv1a64(p.template));
      expect(logPattern(s)).toEqual(p);
    }
  });
});
