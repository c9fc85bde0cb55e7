// Registers every executor (one per file).
import './segmented';
import './pipeline';
export { registerExecutor, executorFor, ComputeClock } from './executor';
export type { Executor, ExecutorContext, ExecutorFactory } from './executor';
export { exchangeRounds, updateChunks } from './rounds';
