import type { BedrockOperation } from './types';

/** The command classes of the model calls, by the names the package gives them. */
const BY_CLASS_NAME: Readonly<Record<string, BedrockOperation>> = {
  ConverseCommand: 'Converse',
  ConverseStreamCommand: 'ConverseStream',
  InvokeModelCommand: 'InvokeModel',
  InvokeModelWithResponseStreamCommand: 'InvokeModelWithResponseStream',
};

/** The service namespace in an operation schema (`[9, namespace, name, …]`, 3.9xx and later). */
const NAMESPACE = 'com.amazonaws.bedrockruntime';
const OPERATIONS = new Set<string>(Object.values(BY_CLASS_NAME));

/** What each command class is, decided once per class (a class is never reused for another). */
const known = new WeakMap<object, BedrockOperation | null>();

/**
 * The model-call operation `command` runs, or `undefined` for any other command. Recognised by
 * its class's name, or, when a bundler renamed the class, by its operation schema: never by
 * `instanceof`, since the command may come from another copy of the package than the client.
 */
export function operationOf(command: unknown): BedrockOperation | undefined {
  if (typeof command !== 'object' || command === null) return undefined;
  const ctor = (command as { constructor?: unknown }).constructor;
  if (typeof ctor !== 'function') return undefined;
  let operation = known.get(ctor);
  if (operation === undefined) {
    operation = classify(ctor, command) ?? null;
    known.set(ctor, operation);
  }
  return operation ?? undefined;
}

function classify(ctor: { name?: unknown }, command: object): BedrockOperation | undefined {
  const byName = typeof ctor.name === 'string' ? BY_CLASS_NAME[ctor.name] : undefined;
  if (byName !== undefined) return byName;
  const schema = (command as { schema?: unknown }).schema;
  if (Array.isArray(schema) && schema[1] === NAMESPACE && typeof schema[2] === 'string') {
    const name = schema[2];
    if (OPERATIONS.has(name)) return name as BedrockOperation;
  }
  return undefined;
}
