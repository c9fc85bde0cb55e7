// A worker's training task: activate the backend, build this worker's share of the network, run
// the steps, time each one (compute, communication, waiting) and report it to the main thread.
import * as tf from '@tensorflow/tfjs-core';
import { unwrap } from '../simulator/errors';
import { parseModel } from '../simulator/model/analyze';
import { resolvePlan } from '../simulator/plan/resolve';
import { activateBackend } from './backends';
import { now } from './clock';
import { barrier } from './collectives/direct';
import { rankOrderRing } from './collectives/ring';
import { ComputeClock, Executor, executorFor } from './executors/executor';
import './executors';
import { GridExecutor } from './executors/grid';
import { gridOf, optimizerOf } from './executors/grid-plan';
import { headOf } from './model/network';
import { dataSourceFor } from './model/datasets';
import { reached } from './validation';
import type { Message, ParamSlice, TrainedMessage, TrainTask } from './protocol';
import { transportKind } from './transports';

export async function train(task: TrainTask): Promise<TrainedMessage> {
  const post = (m: Message) => task.progress.postMessage(m);
  const { rank, workers } = task;
  let step: number | null = null;
  try {
    const t0 = now();
    const backend = await activateBackend(task.backend);
    const model = unwrap(parseModel(task.model));
    const plan = unwrap(resolvePlan(task.plan, model));
    const kind = transportKind(task.transport.kind);
    if (!kind) throw new Error(`unknown transport ${task.transport.kind}`);
    const transport = kind.open(task.transport.setup, rank, workers);
    const compute = new ComputeClock();
    const logits = model.layers[headOf(model).logitsLayer];
    const classes = logits.outputShape[0];
    const data = dataSourceFor(task.model, task.seed, classes);
    const ctx = {
      rank, workers, model, plan, transport, ring: rankOrderRing(rank, workers), seed: task.seed, classes, compute, data,
      optimizer: optimizerOf(plan, task.learningRate, task.momentum),
    };
    const grid = gridOf(model, plan);
    const factory = executorFor(plan.family);
    if (!grid && !factory) throw new Error(`no executor for ${plan.family} plans`);
    const exec: Executor = grid ? new GridExecutor(ctx, grid) : factory!(ctx);
    const target = task.model.training?.target;
    // Every worker evaluates the same weights (replicas are bit-identical after the all-reduce), so
    // all of them see the target reached at the same step and stop together without a message.
    const evaluateAt = (step: number) => !!task.evaluateEvery && !!data.validation && !!exec.evaluate && ((step + 1) % task.evaluateEvery === 0 || step === task.steps - 1);
    await barrier(transport, 'ready');
    post({ kind: 'ready', rank, backend: backend.name, setupSeconds: now() - t0 });

    for (step = 0; step < task.steps; step++) {
      exec.prepare(step);
      if (task.fault && task.fault.rank === rank && task.fault.step === step) {
        if (task.fault.kind === 'exit') process.exit(70); // in a worker thread this ends the thread only
        throw new Error('injected fault');
      }
      const s0 = now();
      const st0 = transport.stats();
      const c0 = compute.seconds;
      const lossSum = await exec.step(step);
      const s1 = now();
      const st1 = transport.stats();
      const computeSeconds = compute.seconds - c0;
      let validation: { loss: number; accuracy: number } | undefined;
      if (evaluateAt(step)) {
        const v = exec.evaluate!(data.validation!);
        const n = data.validation!.labels.length;
        validation = { loss: v.lossSum / n, accuracy: v.correct / n };
      }
      const waitingSeconds = st1.waitSeconds - st0.waitSeconds;
      post({
        kind: 'step', rank,
        record: {
          step, startSeconds: s0, endSeconds: s1, computeSeconds, waitingSeconds,
          // Whatever the step spent neither computing nor waiting for a peer went to moving data.
          communicationSeconds: Math.max(0, s1 - s0 - computeSeconds - waitingSeconds),
          lossSum, bytesSent: st1.bytesSent - st0.bytesSent, tensors: tf.memory().numTensors,
          ...(exec.heldBytes?.() !== undefined ? { heldBytes: exec.heldBytes!()! } : {}),
          ...(exec.lastGradients?.() ? { gradients: exec.lastGradients()! } : {}),
          ...(validation ? { validation } : {}),
        },
      });
      if (validation && task.stopAtTarget && target && reached(target, validation)) break;
    }
    step = null;
    await exec.finish?.();
    const parts = exec.parts();
    const squares = parts.reduce((a, p) => a + p.squares(), 0);
    const weights: ParamSlice[] | undefined = task.collectWeights
      ? parts.flatMap((p) => p.params.map((q) => ({
          layer: model.layers[q.layer].name, param: q.spec.name, shape: q.spec.shape,
          splitAxis: q.range ? q.spec.splitAxis! : null, range: q.range ? [q.range[0], q.range[1]] as [number, number] : null,
          data: q.variable.dataSync() as Float32Array,
        })))
      : undefined;
    exec.dispose();
    await transport.close();
    return { kind: 'trained', rank, backend: backend.name, squares, weights };
  } catch (e) {
    const err = e as Error;
    post({ kind: 'failed', rank, step, message: err.message, stack: err.stack });
    throw new Error(`worker ${rank} failed ${step === null ? 'while setting up' : `at step ${step}`}: ${err.message}`);
  }
}
