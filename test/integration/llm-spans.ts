import { expect } from 'vitest';
import type { ReceivedSpan } from '../support/otlp-receiver';

/** The one span named `name`; fails the test when there is none, or more than one. */
export function span(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const found = spans.filter((s) => s.name === name);
  expect(found, `spans named ${name}`).toHaveLength(1);
  return found[0]!;
}

/** The attributes of the one span named `name`. */
export function attrs(spans: ReceivedSpan[], name: string): Record<string, unknown> {
  return span(spans, name).attributes;
}

/**
 * The spans of the HTTP error scenarios (429 on `rate-limited-model`, 500 on `failing-model`):
 * status ERROR with the SDK's error class, `error.type` and the response status code.
 */
export function expectHttpErrorSpans(spans: ReceivedSpan[]): void {
  const limited = span(spans, 'chat rate-limited-model');
  expect(limited.status).toMatchObject({
    code: 'STATUS_CODE_ERROR',
    message: 'RateLimitError',
  });
  expect(limited.attributes).toMatchObject({
    'error.type': 'RateLimitError',
    'http.response.status_code': 429,
  });
  expect(attrs(spans, 'chat failing-model')).toMatchObject({
    'error.type': 'InternalServerError',
    'http.response.status_code': 500,
  });
}

/** No content attribute on any span, and none of `secretWords` anywhere in a span. */
export function expectNoContentCaptured(spans: ReceivedSpan[], secretWords: string[]): void {
  for (const s of spans) {
    expect(s.attributes).not.toHaveProperty('gen_ai.input.messages');
    expect(s.attributes).not.toHaveProperty('gen_ai.output.messages');
    expect(s.attributes).not.toHaveProperty('gen_ai.system_instructions');
    const text = JSON.stringify(s);
    for (const word of secretWords) expect(text).not.toContain(word);
  }
}
