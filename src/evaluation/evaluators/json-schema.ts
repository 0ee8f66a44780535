/* eslint-disable @typescript-eslint/no-require-imports -- Ajv is required when a jsonSchema
   evaluator is made, so `--require sprintlens/register` never loads it. */
import type { AnySchema, ErrorObject, ValidateFunction } from 'ajv';
import { cut } from '../../base/text';
import type { Evaluator } from '../types';
import {
  booleanOption,
  defaultOutput,
  invalidOption,
  nameOption,
  optionsObject,
  selectorOption,
  verdict,
} from './shared';
import type { BaseEvaluatorOptions } from './shared';
import { parseJsonText } from './valid-json';

/** What {@link jsonSchema} needs of an Ajv instance (pass your own to add formats or keywords). */
export interface SchemaCompiler {
  compile(schema: AnySchema): ValidateFunction;
}

/** Options of {@link jsonSchema}. */
export interface JsonSchemaOptions extends BaseEvaluatorOptions {
  /** The JSON Schema (draft-07 by default; 2019-09 and 2020-12 when its `$schema` says so). */
  readonly schema: AnySchema;
  /** Accept JSON text wrapped in one Markdown code fence. Default `false`. */
  readonly allowCodeFence?: boolean;
  /**
   * The Ajv instance to compile with, e.g. one with `ajv-formats` added. Default: a new Ajv
   * with `allErrors`, and `format` taken as an annotation (not checked).
   */
  readonly ajv?: SchemaCompiler;
  /** How many validation errors the explanation lists. Default 3. */
  readonly maxErrors?: number;
}

const WHERE = 'jsonSchema()';

type AjvConstructor = new (options: Record<string, unknown>) => SchemaCompiler;

/** The Ajv class for the schema's dialect, required on first use. */
function ajvFor(schema: AnySchema): SchemaCompiler {
  const dialect =
    typeof schema === 'object' && typeof schema.$schema === 'string' ? schema.$schema : '';
  const Ajv: AjvConstructor = dialect.includes('2020-12')
    ? (require('ajv/dist/2020') as AjvConstructor)
    : dialect.includes('2019-09')
      ? (require('ajv/dist/2019') as AjvConstructor)
      : (require('ajv') as AjvConstructor);
  // strict off and no logger: an unknown keyword or format in a user's schema is not ours to
  // refuse or to print about; formats are annotations unless the user brings ajv-formats.
  return new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false });
}

function describeErrors(errors: readonly ErrorObject[], max: number): string {
  const shown = errors
    .slice(0, max)
    .map((e) => `${e.instancePath === '' ? '/' : e.instancePath} ${e.message ?? e.keyword}`);
  const more = errors.length > max ? `; and ${errors.length - max} more` : '';
  return `${errors.length} schema error${errors.length === 1 ? '' : 's'}: ${shown.join('; ')}${more}`;
}

/**
 * Whether the output conforms to a JSON Schema: score 1 and `passed` when it does, else 0 with
 * the first few errors (`/path message`). A string output is parsed as JSON first (not JSON is
 * a failure too); any other value is validated as it is. The schema is compiled once, when the
 * evaluator is made, so an invalid schema throws `SL_EVALUATION_INVALID_OPTION` at once.
 * Default name `json_schema`.
 */
export function jsonSchema(options: JsonSchemaOptions): Evaluator {
  const o = optionsObject(WHERE, options);
  const name = nameOption(WHERE, o.name, 'json_schema');
  const getOutput = selectorOption(WHERE, 'getOutput', o.getOutput, defaultOutput);
  const allowCodeFence = booleanOption(WHERE, 'allowCodeFence', o.allowCodeFence) ?? false;
  const maxErrors = o.maxErrors ?? 3;
  if (!Number.isInteger(maxErrors) || maxErrors < 1) {
    invalidOption(WHERE, 'maxErrors', 'a positive integer');
  }
  if (typeof o.schema !== 'boolean' && (typeof o.schema !== 'object' || o.schema === null)) {
    invalidOption(WHERE, 'schema', 'a JSON Schema (an object or a boolean)');
  }
  if (o.ajv !== undefined && typeof o.ajv?.compile !== 'function') {
    invalidOption(WHERE, 'ajv', 'an Ajv instance');
  }
  let validate: ValidateFunction;
  try {
    validate = (o.ajv ?? ajvFor(o.schema)).compile(o.schema);
  } catch (error) {
    // Ajv's message is about the schema, which is the user's own code: worth showing, bounded.
    const why = error instanceof Error ? ` (Ajv: ${cut(error.message, 200)})` : '';
    invalidOption(WHERE, 'schema', `a JSON Schema that Ajv compiles${why}`, error);
  }
  return {
    name,
    evaluate(args) {
      let value = getOutput(args);
      if (typeof value === 'string') {
        const parsed = parseJsonText(value, allowCodeFence);
        if (!parsed.ok) return verdict(0, false, `not JSON: ${parsed.reason}`);
        value = parsed.value;
      }
      const valid: unknown = validate(value);
      if (valid instanceof Promise) {
        // A schema with `$async: true`: Ajv resolves, or rejects with the errors.
        return valid.then(
          () => verdict(1, true),
          (error: unknown) => {
            const errors = (error as { errors?: unknown }).errors;
            return verdict(
              0,
              false,
              Array.isArray(errors)
                ? describeErrors(errors as ErrorObject[], maxErrors)
                : 'the asynchronous schema check failed',
            );
          },
        );
      }
      if (valid === true) return verdict(1, true);
      return verdict(0, false, describeErrors(validate.errors ?? [], maxErrors));
    },
  };
}
