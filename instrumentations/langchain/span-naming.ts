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
 * What a chain run is:
 * - `graph`: a LangGraph graph (serialised under `langgraph`); a workflow, unless its own steps
 *   turn out to let a model call tools, which makes it an agent (decided at its end, see
 *   `run-spans.ts`): LangGraph's prebuilt ReAct agent is an unnamed `LangGraph` graph.
 * - `step`: a LangGraph node (its run name is its `langgraph_node` metadata), a step of its graph.
 * - `agent`: LangChain's `AgentExecutor`, or a chain named `*agent*` outside any graph step.
 * - `workflow`: any other chain.
 */
export type ChainRole = 'graph' | 'step' | 'agent' | 'workflow';

export function chainRole(
  serialized: LcSerialized | undefined,
  name: string,
  metadata: Readonly<Record<string, unknown>> | undefined,
): ChainRole {
  const id = serialized?.id;
  const ids = Array.isArray(id) ? id : [];
  // Checked first: a graph used as a node is still a graph (its steps decide what it is).
  if (ids[0] === 'langgraph') return 'graph';
  // Before the name test: the ReAct agent's model node is called `agent` but is a step.
  if (metadata?.langgraph_node === name) return 'step';
  // Inside a step (its route, its prompt | model sequence): parts of the step, never agents,
  // whatever their names say (LangGraph 1.0's router is `Branch<agent,tools,__end__>`).
  if (typeof metadata?.langgraph_node === 'string') return 'workflow';
  const className = String(ids[ids.length - 1] ?? '');
  if (/agent/i.test(name) || /AgentExecutor/.test(className)) return 'agent';
  return 'workflow';
}

/** The shape of a chain run of `role` (a graph starts as a workflow). */
export function chainShape(role: ChainRole, name: string): RunShape {
  const operation = role === 'agent' ? 'invoke_agent' : 'invoke_workflow';
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
