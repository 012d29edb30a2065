import { z } from 'zod';

/** What the handler knows about a model run when it starts. */
export interface RunInfo {
  /** The run's id (one reply per run). */
  readonly runId: string;
  /** The parent run (chain, agent, graph node), if any. */
  readonly parentRunId: string | undefined;
  /** The run's name (e.g. the model class, or `runName` from the config). */
  readonly runName: string | undefined;
  /** Tags of the run (inherited from the config). */
  readonly tags: readonly string[];
  /** Metadata of the run (LangGraph puts `langgraph_node` here). */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** `metadata.langgraph_node`: the graph node running the model (`model_request` in `createAgent`). */
  readonly node: string | undefined;
}

/** Which runs speak. All given criteria must match; none given means every model run speaks. */
export interface RunFilterOptions {
  /** Speak only runs inside these LangGraph nodes (e.g. `['model_request']` for `createAgent`). */
  readonly nodes?: readonly string[];
  /** Speak only runs with at least one of these tags. */
  readonly tags?: readonly string[];
  /** Never speak runs with any of these tags (e.g. `'nostream'`, `'silent'`). */
  readonly excludeTags?: readonly string[];
  /** Speak only runs with one of these names. */
  readonly runNames?: readonly string[];
  /** Any other rule. */
  readonly filter?: (run: RunInfo) => boolean;
}

export const runFilterSchema = z.object({
  nodes: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
  excludeTags: z.array(z.string()).optional(),
  runNames: z.array(z.string()).optional(),
  filter: z.function().optional(),
});

/** Builds a RunInfo from LangChain's callback arguments. */
export function runInfo(
  runId: string,
  parentRunId: string | undefined,
  tags: readonly string[] | undefined,
  metadata: Record<string, unknown> | undefined,
  runName: string | undefined,
): RunInfo {
  const meta = metadata ?? {};
  const node = typeof meta['langgraph_node'] === 'string' ? meta['langgraph_node'] : undefined;
  return { runId, parentRunId, runName, tags: tags ?? [], metadata: meta, node };
}

/** True when the run passes every configured criterion. */
export function runMatches(run: RunInfo, options: RunFilterOptions): boolean {
  if (options.nodes !== undefined && (run.node === undefined || !options.nodes.includes(run.node))) return false;
  if (options.tags !== undefined && !run.tags.some((tag) => options.tags?.includes(tag))) return false;
  if (options.excludeTags !== undefined && run.tags.some((tag) => options.excludeTags?.includes(tag))) return false;
  if (options.runNames !== undefined && (run.runName === undefined || !options.runNames.includes(run.runName))) return false;
  if (options.filter !== undefined && !options.filter(run)) return false;
  return true;
}
