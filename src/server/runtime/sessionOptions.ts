// onnxruntime session options, tuned for a small shared machine and overridable per service.
import { availableParallelism } from 'node:os';

export interface RuntimeOptions {
  intraOpThreads: number;
  graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
}

export function runtimeOptionsFromEnv(env: NodeJS.ProcessEnv): RuntimeOptions {
  const threads = Number(env.MODELPORT_INTRA_OP_THREADS);
  const level = env.MODELPORT_GRAPH_OPTIMIZATION;
  return {
    intraOpThreads: Number.isInteger(threads) && threads > 0 ? threads : availableParallelism(),
    graphOptimizationLevel: level === 'disabled' || level === 'basic' || level === 'extended' ? level : 'all',
  };
}
