// Pipeline parallelism, GPipe-style (Huang et al. 2019, arXiv:1811.06965), as the simulator lowers
// it (simulator/strategies/pipeline.ts, whose stage split this reuses): worker s holds stage s's
// layers whole; the step's samples go through in micro-batches, all forwards first, then all
// backwards in reverse order; each stage sums its gradients over the micro-batches and takes one step
// of the plan's optimiser. Workers beyond the number of stages stay idle.
import * as tf from '@tensorflow/tfjs-core';
import type { PipelineSegment } from '../../simulator/plan/schema';
import { stageLayersOf } from '../../simulator/strategies/pipeline';
import { broadcastRecv } from '../collectives/direct';
import { bytesOf } from '../transports/transport';
import type { Batch } from '../model/data';
import { softmaxCrossEntropy } from '../model/loss';
import { headOf, Part } from '../model/network';
import { makeOptimizer, Optimizer } from '../model/optimizer';
import { record, Recorded } from '../model/tape';
import { Executor, ExecutorContext, registerExecutor } from './executor';

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

export class PipelineExecutor implements Executor {
  readonly stages: number[][];
  private readonly part: Part | null;
  private readonly optimizer: Optimizer;
  private readonly micro: number;
  private batch: Batch | null = null;
  private samples: number[] = [];

  constructor(private readonly ctx: ExecutorContext) {
    const { model, plan, rank, workers, seed } = ctx;
    const seg = plan.segments[0];
    const pseg = seg.segment as PipelineSegment;
    const head = headOf(model);
    this.stages = stageLayersOf(model, pseg, seg.layers, workers).map((s) => s.filter((i) => !head.excluded.has(i)));
    this.part = rank < this.stages.length ? new Part(model, this.stages[rank], { seed, head }) : null;
    this.optimizer = makeOptimizer(ctx.optimizer);
    this.micro = pseg.microBatches ?? 1;
  }

  parts(): Part[] {
    return this.part ? [this.part] : [];
  }

  prepare(step: number): void {
    const B = this.ctx.plan.plan.batchPerWorker;
    this.samples = range(B, step * this.ctx.plan.stepSamples);
    this.batch = this.ctx.rank === 0 || this.ctx.rank === this.stages.length - 1 ? this.ctx.data.batch(this.samples) : null;
  }

  async step(step: number): Promise<number> {
    if (!this.part) return 0;
    if (!this.batch && (this.ctx.rank === 0 || this.ctx.rank === this.stages.length - 1)) this.prepare(step);
    const { rank, transport: t, model, compute: c } = this.ctx;
    const part = this.part;
    const S = this.stages.length;
    const B = this.ctx.plan.plan.batchPerWorker;
    const mb = B / this.micro;
    const first = rank === 0;
    const last = rank === S - 1;
    const inShape = first ? [...model.model.input] : model.layers[this.stages[rank - 1][this.stages[rank - 1].length - 1]].outputShape;
    const per = inShape.reduce((a, b) => a * b, 1);
    const sends: Promise<void>[] = [];
    const fwd: { rec: Recorded; input: tf.Tensor; dlogits?: tf.Tensor }[] = [];
    let lossSum = 0;

    for (let m = 0; m < this.micro; m++) {
      const samples = this.samples.slice(m * mb, (m + 1) * mb);
      const rows = first ? this.batch!.x.subarray(m * mb * per, (m + 1) * mb * per) : await broadcastRecv(t, rank - 1, `s${step}/f${m}`);
      const input = c.time(() => tf.tensor(rows, [mb, ...inShape]));
      if (!first) t.release?.(bytesOf(rows));
      const rec = c.time(() => record(() => part.forward(input, { training: true, seed: this.ctx.seed, step, samples })));
      if (last) {
        const l = c.time(() => softmaxCrossEntropy(rec.y as tf.Tensor2D, this.batch!.labels.subarray(m * mb, (m + 1) * mb), 1 / this.ctx.plan.stepSamples));
        lossSum += l.lossSum;
        fwd.push({ rec, input, dlogits: l.dlogits });
      } else {
        const out = c.time(() => rec.y.dataSync() as Float32Array);
        sends.push(t.send(rank + 1, `s${step}/f${m}`, bytesOf(out)));
        fwd.push({ rec, input });
      }
    }

    const acc = new Map<number, tf.Tensor>();
    for (let m = this.micro - 1; m >= 0; m--) {
      const { rec, input, dlogits } = fwd[m];
      const dy = dlogits ?? (await (async () => {
        const g = await broadcastRecv(t, rank + 1, `s${step}/b${m}`);
        const d = c.time(() => tf.tensor(g, rec.y.shape));
        t.release?.(bytesOf(g));
        return d;
      })());
      const vars = part.variables;
      const grads = c.time(() => rec.backward(dy, first ? vars : [input, ...vars]));
      const gInput = first ? null : grads[0];
      c.time(() => {
        (first ? grads : grads.slice(1)).forEach((g, i) => {
          if (!g) return;
          const prev = acc.get(vars[i].id);
          acc.set(vars[i].id, prev ? tf.add(prev, g) : g);
          if (prev) tf.dispose([prev, g]);
        });
        tf.dispose([dy, rec.y, input]);
      });
      if (gInput) {
        const host = c.time(() => {
          const h = gInput.dataSync() as Float32Array;
          gInput.dispose();
          return h;
        });
        sends.push(t.send(rank - 1, `s${step}/b${m}`, bytesOf(host)));
      }
    }
    await Promise.all(sends);
    c.time(() => {
      const grads = part.variables.map((v) => acc.get(v.id) ?? tf.zerosLike(v));
      this.optimizer.apply(part.variables, grads);
      tf.dispose(grads);
    });
    this.batch = null;
    return lossSum;
  }

  dispose(): void {
    this.part?.dispose();
    this.optimizer.dispose();
  }
}

registerExecutor('pipeline', (ctx) => new PipelineExecutor(ctx));
