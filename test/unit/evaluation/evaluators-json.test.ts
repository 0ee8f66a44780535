import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { EvaluationInvalidOptionError } from '../../../src/base/errors';
import { jsonSchema, validJson } from '../../../src/evaluation/evaluators';
import { run } from './evaluator-args';

const PERSON = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    age: { type: 'integer', minimum: 0 },
    email: { type: 'string', format: 'email' },
  },
  required: ['name', 'age'],
  additionalProperties: false,
};

describe('validJson', () => {
  it('passes JSON text, fails other text with the parser message', async () => {
    const e = validJson();
    expect(e.name).toBe('valid_json');
    expect(await e.evaluate(run({ output: '{"a": [1, 2]}' }))).toEqual({
      score: 1,
      passed: true,
      label: 'pass',
    });
    expect((await e.evaluate(run({ output: '42' }))).score).toBe(1);
    const bad = await e.evaluate(run({ output: "{'a': 1}" }));
    expect(bad).toMatchObject({ score: 0, passed: false, label: 'fail' });
    expect(bad.explanation).toMatch(/^not JSON: /);
  });

  it('accepts one Markdown code fence only when asked', async () => {
    const fenced = '```json\n{"ok": true}\n```\n';
    expect((await validJson().evaluate(run({ output: fenced }))).score).toBe(0);
    expect(
      (await validJson({ allowCodeFence: true }).evaluate(run({ output: fenced }))).score,
    ).toBe(1);
  });

  it('scores an already-parsed object 0, saying why', async () => {
    expect(await validJson().evaluate(run({ output: { a: 1 } }))).toMatchObject({
      score: 0,
      passed: false,
      explanation: 'the output is an object, not JSON text',
    });
  });
});

describe('jsonSchema', () => {
  it('validates objects as they are and strings after parsing them', async () => {
    const e = jsonSchema({ schema: PERSON });
    expect(e.name).toBe('json_schema');
    expect((await e.evaluate(run({ output: { name: 'Ada', age: 36 } }))).score).toBe(1);
    expect((await e.evaluate(run({ output: '{"name":"Ada","age":36}' }))).score).toBe(1);
    const notJson = await e.evaluate(run({ output: 'Ada, 36' }));
    expect(notJson).toMatchObject({ score: 0, passed: false });
    expect(notJson.explanation).toMatch(/^not JSON: /);
  });

  it('lists the first errors with their paths, bounded by maxErrors', async () => {
    const e = jsonSchema({ schema: PERSON, maxErrors: 2 });
    const bad = await e.evaluate(run({ output: { age: -1.5, extra: true } }));
    expect(bad).toMatchObject({ score: 0, passed: false, label: 'fail' });
    // allErrors: required name, additionalProperties extra, age not integer, age < 0.
    expect(bad.explanation).toBe(
      "4 schema errors: / must have required property 'name'; / must NOT have additional " +
        'properties; and 2 more',
    );
  });

  it('takes format as an annotation by default, and a caller-made Ajv when given', async () => {
    const loose = jsonSchema({ schema: PERSON });
    expect(
      (await loose.evaluate(run({ output: { name: 'a', age: 1, email: 'nope' } }))).score,
    ).toBe(1);
    const ajv = new Ajv({ allErrors: true });
    ajv.addFormat('email', /^[^@\s]+@[^@\s]+$/);
    const strict = jsonSchema({ schema: PERSON, ajv });
    const bad = await strict.evaluate(run({ output: { name: 'a', age: 1, email: 'nope' } }));
    expect(bad.explanation).toBe('1 schema error: /email must match format "email"');
  });

  it('picks the 2020-12 dialect from $schema', async () => {
    const e = jsonSchema({
      schema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'array',
        prefixItems: [{ type: 'string' }, { type: 'number' }],
        items: false,
      },
    });
    expect((await e.evaluate(run({ output: ['a', 1] }))).score).toBe(1);
    expect((await e.evaluate(run({ output: ['a', 1, 2] }))).score).toBe(0);
    expect((await e.evaluate(run({ output: [1, 'a'] }))).score).toBe(0);
  });

  it('handles $async schemas', async () => {
    const e = jsonSchema({ schema: { $async: true, type: 'object', required: ['x'] } });
    expect(await e.evaluate(run({ output: { x: 1 } }))).toMatchObject({ score: 1 });
    expect(await e.evaluate(run({ output: {} }))).toMatchObject({
      score: 0,
      explanation: "1 schema error: / must have required property 'x'",
    });
  });

  it('refuses an invalid schema when it is made, with the coded error', () => {
    expect(() => jsonSchema({ schema: { type: 'no-such-type' } })).toThrow(
      EvaluationInvalidOptionError,
    );
    expect(() => jsonSchema({ schema: 'x' as never })).toThrow(/option schema is invalid/);
    expect(() => jsonSchema({ schema: {}, maxErrors: 0 })).toThrow(EvaluationInvalidOptionError);
  });
});
