import { describe, expect, it } from 'vitest';
import { ContentCapture, TRUNCATED } from '../../../instrumentations/genai';

describe('content capture', () => {
  it('redacts secrets and personal data', () => {
    const capture = new ContentCapture();
    expect(capture.text('mail jane.doe@example.com now')).toBe('mail [REDACTED:email] now');
  });

  it('truncates to maxChars with a marker; short text is untouched', () => {
    const capture = new ContentCapture({ maxChars: 10 });
    expect(capture.text('short')).toBe('short');
    expect(capture.text('0123456789')).toBe('0123456789');
    expect(capture.text('0123456789abcdef')).toBe('0123456789' + TRUNCATED);
  });

  it('redacts before cutting: a secret straddling the cut is not half-exposed', () => {
    const capture = new ContentCapture({ maxChars: 20 });
    const text = 'contact: jane.doe@example.com please';
    const out = capture.text(text);
    expect(out).not.toContain('jane');
    expect(out).not.toContain('doe@');
    expect(out.startsWith('contact: [REDACTED:')).toBe(true);
    expect(out.endsWith(TRUNCATED)).toBe(true);
  });

  it('bounds the work on huge strings and still marks truncation', () => {
    const redacted: number[] = [];
    const capture = new ContentCapture({
      maxChars: 100,
      redaction: {
        custom: (text) => {
          redacted.push(text.length);
          return text;
        },
      },
    });
    const out = capture.text('x'.repeat(5_000_000));
    expect(out).toBe('x'.repeat(100) + TRUNCATED);
    // Only the head is redacted: maxChars plus the 512-character redaction margin, at most.
    expect(redacted).toHaveLength(1);
    expect(redacted[0]).toBeLessThanOrEqual(100 + 512);
    expect(capture.keepChars).toBe(100 + 512);
  });

  it('never cuts a surrogate pair in half', () => {
    const capture = new ContentCapture({ maxChars: 5 });
    expect(capture.text('abcd😀efg')).toBe('abcd' + TRUNCATED);
    expect(capture.text('abc😀efg')).toBe('abc😀' + TRUNCATED);
    // Nor at the end of the redacted head (here a redaction that keeps only the last 5 units).
    const tail = new ContentCapture({ maxChars: 10, redaction: { custom: (t) => t.slice(-5) } });
    const head = tail.keepChars - 1;
    expect(tail.text('a'.repeat(head) + '😀zzz')).toBe('aaaaa' + TRUNCATED);
  });

  it('non-strings become JSON; invalid maxChars falls back to the default', () => {
    const capture = new ContentCapture({ maxChars: -3 });
    expect(capture.maxChars).toBe(16_384);
    expect(capture.text({ a: 1 })).toBe('{"a":1}');
    expect(capture.json([{ role: 'user', parts: [] }])).toBe('[{"role":"user","parts":[]}]');
  });

  it('custom redaction patterns apply', () => {
    const capture = new ContentCapture({
      redaction: { patterns: [{ kind: 'ticket', pattern: /TCK-\d+/ }] },
    });
    expect(capture.text('see TCK-1234')).toBe('see [REDACTED:ticket]');
  });
});
