import { describe, expect, it } from 'vitest';
import { operationOf } from '../../../instrumentations/bedrock/commands';

/** A command class as the SDK builds them: a name, an input and (3.9xx on) a schema. */
function commandClass(
  name: string,
  operation?: string,
  namespace = 'com.amazonaws.bedrockruntime',
): new (input?: unknown) => object {
  const classes: Record<string, new (input?: unknown) => object> = {
    [name]: class {
      input: unknown;
      schema: unknown;
      constructor(input?: unknown) {
        this.input = input ?? {};
        this.schema = operation === undefined ? undefined : [9, namespace, operation, 0];
      }
    },
  };
  return classes[name]!;
}

describe('Bedrock commands', () => {
  it('the four model calls by their class names, whichever copy of the package made them', () => {
    expect(operationOf(new (commandClass('ConverseCommand'))())).toBe('Converse');
    expect(operationOf(new (commandClass('ConverseStreamCommand'))())).toBe('ConverseStream');
    expect(operationOf(new (commandClass('InvokeModelCommand'))())).toBe('InvokeModel');
    expect(operationOf(new (commandClass('InvokeModelWithResponseStreamCommand'))())).toBe(
      'InvokeModelWithResponseStream',
    );
  });

  it('a class renamed by a bundler, by its operation schema', () => {
    expect(operationOf(new (commandClass('a', 'ConverseStream'))())).toBe('ConverseStream');
    expect(operationOf(new (commandClass('b', 'InvokeModel'))())).toBe('InvokeModel');
  });

  it('every other command, and what is no command, is not a model call', () => {
    for (const command of [
      new (commandClass('CountTokensCommand', 'CountTokens'))(),
      new (commandClass('ApplyGuardrailCommand', 'ApplyGuardrail'))(),
      new (commandClass('InvokeModelWithBidirectionalStreamCommand'))(),
      // Another service's operation of the same name.
      new (commandClass('c', 'Converse', 'com.amazonaws.other'))(),
      Object.create(null) as object,
      { constructor: 'not a function' },
      null,
      'ConverseCommand',
      undefined,
    ]) {
      expect(operationOf(command)).toBeUndefined();
    }
  });
});
