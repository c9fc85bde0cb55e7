// Forward now, backward later: records the operations of a forward pass on tfjs's tape and
// back-propagates an upstream gradient through them when it arrives (after the activations went to
// other workers and their gradients came back). tf.grads needs the upstream gradient during the same
// synchronous call, which would mean recomputing the forward pass at every segment boundary.
// This follows tfjs-core's own Engine.gradients / tape.ts (Apache-2.0), which tfjs does not export.
import * as tf from '@tensorflow/tfjs-core';

interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  gradient?: (dys: tf.Tensor[]) => Record<string, () => tf.Tensor>;
  saved?: tf.Tensor[];
}
interface EngineInternals {
  startTape(): void;
  endTape(): void;
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
}

export interface Recorded<T extends tf.Tensor = tf.Tensor> {
  /** The forward result (owned by the caller: dispose it). */
  y: T;
  /** Gradients of y·dy with respect to each of `xs` (null where y does not depend on it); frees the tape. */
  backward(dy: tf.Tensor, xs: tf.Tensor[]): (tf.Tensor | null)[];
  /** Frees the tape without back-propagating (the tensors it saved for the backward pass). */
  dispose(): void;
}

export function record<T extends tf.Tensor>(f: () => T): Recorded<T> {
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.state.gradientDepth !== 0) throw new Error('record() cannot nest inside another gradient computation');
  engine.startTape();
  let y: T;
  try {
    y = tf.tidy(f);
  } finally {
    engine.endTape();
  }
  const tape = engine.state.activeTape ?? [];
  engine.state.activeTape = null;
  let live = true;
  const free = () => {
    if (!live) return;
    live = false;
    for (const node of tape) for (const t of node.saved ?? []) t.dispose();
  };
  return {
    y,
    backward(dy, xs) {
      if (!live) throw new Error('backward() called twice on one recorded forward pass');
      const filtered = filterTape(tape, xs, y);
      let present: boolean[] = [];
      const grads = tf.tidy(() => {
        const acc = new Map<number, tf.Tensor>([[y.id, dy]]);
        for (let i = filtered.length - 1; i >= 0; i--) {
          const node = filtered[i];
          if (!node.gradient) throw new Error(`no gradient registered for ${node.kernelName}`);
          const dys = node.outputs.map((o) => acc.get(o.id) ?? null) as tf.Tensor[];
          const inputGrads = node.gradient(dys);
          for (const name of Object.keys(node.inputs)) {
            if (!(name in inputGrads)) throw new Error(`gradient of ${node.kernelName} has no entry for input ${name}`);
            const dx = tf.tidy(() => inputGrads[name]());
            const x = node.inputs[name];
            if (dx.shape.join() !== x.shape.join()) throw new Error(`gradient of ${node.kernelName}.${name} has shape [${dx.shape}], input has [${x.shape}]`);
            const prev = acc.get(x.id);
            acc.set(x.id, prev ? tf.add(prev, dx) : dx);
          }
        }
        present = xs.map((x) => acc.has(x.id));
        return xs.map((x) => acc.get(x.id)).filter((g): g is tf.Tensor => g !== undefined);
      });
      free();
      // tidy returns only tensors; put the nulls back where y does not depend on an x.
      let k = 0;
      return present.map((p) => (p ? grads[k++] : null));
    },
    dispose: free,
  };
}

/** The nodes on a path from some x to y, with inputs that do not depend on any x pruned. */
function filterTape(tape: TapeNode[], xs: tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      nodesFromX.add(node.id);
      for (const o of node.outputs) fromX.add(o.id);
    }
  }
  const toY = new Set([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (node.outputs.some((o) => toY.has(o.id))) {
      nodesToY.add(node.id);
      for (const t of Object.values(node.inputs)) toY.add(t.id);
    }
  }
  return tape
    .filter((n) => nodesFromX.has(n.id) && nodesToY.has(n.id))
    .map((n) => ({ ...n, inputs: Object.fromEntries(Object.entries(n.inputs).filter(([, t]) => fromX.has(t.id))) }));
}
