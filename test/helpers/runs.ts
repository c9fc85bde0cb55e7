// Number of runs for a property: the test's own figure, times FC_RUNS_SCALE for stress runs
// (`FC_SEED=random FC_RUNS_SCALE=10 npx jest test/simulator/laws`).
export function runs(n: number): number {
  const scale = Number(process.env.FC_RUNS_SCALE ?? 1);
  return Math.max(1, Math.round(n * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}
