// Every plan the tuner can return for the runtime runs: calibrate (short), tune on that hardware
// file (the runtime is its target), run the chosen plan; then one plan of every family, every
// synchronisation and every exchange among the tuner's candidates for that target, each run for
// two steps. The tuner never offers the runtime what it cannot execute (hierarchical all-reduce,
// asynchronous parameter server): runtimeSupport is its admission test.
import { join } from 'node:path';
import { SYNCS } from '../../simulator/plan/schema';
import type { ResolvedPlan } from '../../simulator/plan/resolve';
import { candidates } from '../../tuner/space';
import { runnableBy } from '../../runtime/support';
import { RUNTIME_SYNCS } from '../../runtime/collectives/sync';
import { runPlan, RUN_DEFAULTS } from '../../runtime/run';
import { runCli, tempDir } from '../helpers/cli';
import { modelPath, zooModel, must } from '../helpers/scenarios';
import { loadHardware } from '../../simulator/hardware/load';

const mini = modelPath('mini-owt');
const model = zooModel('mini-owt');
const dir = tempDir();
const hardwareFile = join(dir, 'local.json');

beforeAll(async () => {
  const r = await runCli('calibrate', '--out', hardwareFile, '--workers', '2', '--batch', '4', '--repeats', '1');
  expect(r.code).toBe(0);
});

test('calibrate, tune on its hardware file, run the plan tune wrote', async () => {
  const plan = join(dir, 'plan.json');
  const t = await runCli('tune', '--model', mini, '--hardware', hardwareFile, '--batch', '4', '--threads', '1', '--out', plan, '--json');
  expect(t.code).toBe(0);
  const r = await runCli('run', '--model', mini, '--plan', plan, '--steps', '2', '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(Number.isFinite(JSON.parse(r.stdout).finalLoss)).toBe(true);
});

/** What tells one kind of plan from another: family, each data segment's sync, each model segment's exchange. */
const kinds = (p: ResolvedPlan): string[] => [
  `family ${p.family}`,
  ...p.plan.segments.map((s) => (s.parallelism === 'data' ? (p.plan.workers > 1 ? `sync ${s.sync}` : '') : s.parallelism === 'model' ? `exchange ${s.exchange ?? 'all-gather'}` : 'pipeline')).filter(Boolean),
];

test('one plan of every family, sync and exchange the tuner can choose for the runtime runs', async () => {
  const hw = must(loadHardware(hardwareFile));
  const admit = runnableBy(model);
  const all = [...candidates(model, hw, { batch: 4, syncs: [...SYNCS] })].map((c) => c.plan);
  const offered = all.filter(admit);
  // Not offered: what the runtime does not implement; offered: everything else it does.
  const syncs = new Set(offered.flatMap((p) => p.plan.segments.flatMap((s) => (s.parallelism === 'data' && p.plan.workers > 1 ? [s.sync] : []))));
  expect([...syncs].sort()).toEqual(['parameter-server', 'ring-allreduce', 'tree-allreduce']);
  expect(Object.keys(RUNTIME_SYNCS)).toEqual(expect.arrayContaining([...syncs] as string[]));
  expect(all.some((p) => p.plan.segments.some((s) => s.parallelism === 'data' && s.sync === 'async-parameter-server'))).toBe(true);

  // A covering set: each plan taken adds a family, sync or exchange not yet run.
  const covered = new Set<string>();
  const chosen = offered.filter((p) => {
    const fresh = kinds(p).filter((k) => !covered.has(k));
    fresh.forEach((k) => covered.add(k));
    return fresh.length > 0;
  });
  expect([...covered].sort()).toEqual(expect.arrayContaining(['exchange all-gather', 'exchange chunked', 'exchange round-robin', 'family data', 'family hybrid', 'family model', 'family pipeline', 'family single', 'sync parameter-server', 'sync ring-allreduce', 'sync tree-allreduce']));
  for (const p of chosen) {
    const r = await runPlan(model, p, { ...RUN_DEFAULTS, steps: 2 });
    expect(Number.isFinite(r.finalLoss)).toBe(true);
  }
});

