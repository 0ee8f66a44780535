import { SpanKind } from '@opentelemetry/api';
import type { LcSerialized } from './types';

/** What a run becomes: its span name, kind and GenAI operation. */
export interface RunShape {
  readonly name: string;
  readonly kind: SpanKind;
  readonly operation: string;
}

/** The run's display name: the run name LangChain passes, else the serialised class name. */
export function runName(serialized: LcSerialized | undefined, name: string | undefined): string {
  if (typeof name === 'string' && name !== '') return name;
  const id = serialized?.id;
  const last = Array.isArray(id) ? id[id.length - 1] : undefined;
  if (typeof last === 'string' && last !== '') return last;
  return typeof serialized?.name === 'string' && serialized.name !== ''
    ? serialized.name
    : 'unknown';
}

/**
 * Chains and graphs are workflows; a chain whose serialised class or name says agent (LangChain's
 * `AgentExecutor`, a graph named `*agent*`, such as LangGraph's prebuilt ReAct agent) is an agent.
 * A LangGraph node is a step of its graph: still `invoke_workflow`, named by the node.
 */
export function chainShape(serialized: LcSerialized | undefined, name: string): RunShape {
  const id = serialized?.id;
  const className = Array.isArray(id) ? String(id[id.length - 1] ?? '') : '';
  const agent = /agent/i.test(name) || /AgentExecutor/.test(className);
  const operation = agent ? 'invoke_agent' : 'invoke_workflow';
  return { name: `${operation} ${name}`, kind: SpanKind.INTERNAL, operation };
}

/** A tool run: `execute_tool {tool}`. */
export function toolShape(name: string): RunShape {
  return { name: `execute_tool ${name}`, kind: SpanKind.INTERNAL, operation: 'execute_tool' };
}

/** A retriever run: `retrieval`. */
export const RETRIEVAL_SHAPE: RunShape = {
  name: 'retrieval',
  kind: SpanKind.INTERNAL,
  operation: 'retrieval',
};

/**
 * A model run's name while it runs. Its final name depends on who counts the usage (see
 * `usage.ts`): the provider SDK span underneath, or this span.
 */
export function modelSpanName(operation: string, model: string | undefined): string {
  return model === undefined ? operation : `${operation} ${model}`;
}
