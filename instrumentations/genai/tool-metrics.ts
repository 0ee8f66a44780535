/**
 * Tool calls run by the framework instrumentations (LangChain/LangGraph tool runs, Vercel AI SDK
 * tool executions) for Prometheus: `sprintlens_tool_calls_total` by tool name and outcome, a self-metrics source like the `sprintlens_llm_*` counters (the GenAI
 * conventions define no tool metric, so it is not an OpenTelemetry instrument). A tool call
 * bumps a plain number; prom-client reads the totals at scrape time. Tool names are chosen by
 * the app's code, not by users, but are still capped (later ones count as `tool="other"`).
 */
import { selfMetrics } from '../../src/base/self-metrics';
import type { MetricSpec, MetricsSource, MetricsWriter } from '../../src/base/self-metrics';

/** Distinct tool names kept before further ones count under {@link OTHER_TOOL}. */
export const MAX_TOOLS = 100;
export const OTHER_TOOL = 'other';
/** Label values longer than this are cut. */
const MAX_LABEL_CHARS = 128;

export const TOOL_CALLS = 'sprintlens_tool_calls_total';

/** How a tool run ended: `ok`, or `error` when it threw (whether or not the agent recovered). */
export type ToolOutcome = 'ok' | 'error';

export const TOOL_CALL_METRICS: readonly MetricSpec[] = [
  {
    name: TOOL_CALLS,
    help: 'Tool calls run by LangChain/LangGraph or the Vercel AI SDK that ended, by tool name and outcome (ok, error).',
    type: 'counter',
  },
];

/** Tool-call totals by (tool, outcome). */
export class ToolCalls implements MetricsSource {
  readonly specs = TOOL_CALL_METRICS;
  private readonly byTool = new Map<string, { ok: number; error: number }>();

  constructor(private readonly maxTools = MAX_TOOLS) {}

  /** Counts one ended tool call. Cheap (one map lookup); never throws. */
  add(tool: string, outcome: ToolOutcome): void {
    let counts = this.byTool.get(tool);
    if (counts === undefined) {
      // Unknown names past the cap are not stored, so endless names cost no memory.
      const key = this.byTool.size < this.maxTools ? tool : OTHER_TOOL;
      counts = this.byTool.get(key);
      if (counts === undefined) {
        counts = { ok: 0, error: 0 };
        this.byTool.set(key, counts);
      }
    }
    counts[outcome] += 1;
  }

  collect(out: MetricsWriter): void {
    for (const [tool, counts] of this.byTool) {
      const name = tool.length > MAX_LABEL_CHARS ? tool.slice(0, MAX_LABEL_CHARS) : tool;
      out.add(TOOL_CALLS, counts.ok, { tool: name, outcome: 'ok' });
      out.add(TOOL_CALLS, counts.error, { tool: name, outcome: 'error' });
    }
  }
}

/** The process's tool-call totals while at least one framework instrumentation holds them. */
let held: { readonly calls: ToolCalls; holders: number; readonly remove: () => void } | undefined;

/**
 * The process's tool-call totals, for a framework instrumentation being enabled: made and added
 * to `selfMetrics()` by the first holder (one series set per process however many instances).
 */
export function holdToolCalls(): ToolCalls {
  if (held === undefined) {
    const calls = new ToolCalls();
    held = { calls, holders: 0, remove: selfMetrics().add(calls) };
  }
  held.holders += 1;
  return held.calls;
}

/** Gives back totals from {@link holdToolCalls}; the last holder removes them (counts kept). */
export function releaseToolCalls(calls: ToolCalls): void {
  if (held === undefined || held.calls !== calls) return;
  held.holders -= 1;
  if (held.holders > 0) return;
  held.remove();
  held = undefined;
}

/** The process's tool-call totals while held (see {@link holdToolCalls}), else `undefined`. */
export function heldToolCalls(): ToolCalls | undefined {
  return held?.calls;
}
