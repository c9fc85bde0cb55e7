// Runtime speed, as ratios measured side by side in one run: a worker thread's achieved FLOP/s on
// mini-owt's layers (forward + backward) against the same thread's raw matmul FLOP/s, and the
// memory transport's bandwidth between two worker threads against a plain Buffer.copy here.
import { readFileSync } from 'node:fs';
import type { Model } from '../../simulator/model/schema';
import { MINI_OWT_FILE } from '../../runtime/paths';
import { runOnWorkers } from '../../runtime/pool';
import type { BenchComputeResult, BenchTransportResult } from '../../runtime/protocol';
import { chooseBackend } from '../../runtime/backends';
import { transportKind } from '../../runtime/transports';
import { perSecond } from './timing';

const MESSAGE_BYTES = 4 << 20;
const BATCH = 32;

export async function benchRuntime(): Promise<string[]> {
  const chosen = await chooseBackend();
  if (!chosen.ok) return [`no backend: ${chosen.reason}`];
  const backend = chosen.backend.name;
  const model = JSON.parse(readFileSync(MINI_OWT_FILE, 'utf8')) as Model;
  const [c] = await runOnWorkers<BenchComputeResult>([{ kind: 'bench-compute', rank: 0, backend, models: [model], batch: BATCH, repeats: 5 }]);
  const flops = c.layers.reduce((a, l) => a + l.flops, 0);
  const seconds = c.layers.reduce((a, l) => a + l.seconds, 0);
  const achieved = flops / seconds;
  const g = (x: number) => `${(x / 1e9).toFixed(1)} GFLOP/s`;
  const lines = [
    `backend ${backend}, one worker thread, ${model.name} at batch ${BATCH}`,
    `  layers forward+backward: ${g(achieved)} = ${(achieved / c.matmulFlopsPerSecond).toFixed(2)} × the same thread's 768² matmul (${g(c.matmulFlopsPerSecond)})`,
  ];
  const byType = new Map<string, { f: number; s: number }>();
  for (const l of c.layers) {
    const t = byType.get(l.type) ?? { f: 0, s: 0 };
    byType.set(l.type, { f: t.f + l.flops, s: t.s + l.seconds });
  }
  for (const [t, v] of byType) lines.push(`    ${t}: ${(v.f / v.s / c.matmulFlopsPerSecond).toFixed(2)} × matmul, ${(100 * v.s / seconds).toFixed(0)}% of the time`);

  const kind = transportKind('memory')!;
  const setup = kind.setup(2, { kind: 'memory' });
  const t = await runOnWorkers<BenchTransportResult>([0, 1].map((rank) => ({
    kind: 'bench-transport' as const, rank, workers: 2, transport: { kind: 'memory', setup }, sizesBytes: [8, MESSAGE_BYTES], repeats: 200, // medians of 200 round trips: 20 left the JIT cold for the 8-byte case
  })));
  const [small, large] = t[0].oneWaySeconds;
  const transportBw = MESSAGE_BYTES / large.seconds;
  const src = Buffer.alloc(MESSAGE_BYTES, 1);
  const dst = Buffer.alloc(MESSAGE_BYTES);
  const copyBw = MESSAGE_BYTES * perSecond(() => src.copy(dst), 1).perSecond;
  lines.push(
    `memory transport, two worker threads, ${MESSAGE_BYTES >> 20} MiB messages: ${(transportBw / 1e9).toFixed(2)} GB/s one way = ${(transportBw / copyBw).toFixed(2)} × Buffer.copy here (${(copyBw / 1e9).toFixed(1)} GB/s; target ≥ 0.50 ×); 8-byte one-way latency ${(small.seconds * 1e6).toFixed(0)} µs (target ≤ 20 µs)`,
  );
  return lines;
}
