// Registers every backend (one per file) and chooses one: the named one, or the fastest present.
import * as tf from '@tensorflow/tfjs-core';
import { registerGradients, avoidKernels } from '../model/gradients';
import type { Backend, Probe } from './backend';
import { allBackends, backendNamed } from './registry';
import './wasm';
import './cpu';
import './tensorflow';
import './tensorflow-gpu';
import './webgpu';

export type { Backend, Probe } from './backend';
export { registerBackend, backendNamed, allBackends } from './registry';

export interface BackendStatus {
  name: string;
  probe: Probe;
}

export async function probeAll(): Promise<BackendStatus[]> {
  return Promise.all(allBackends().map(async (b) => ({ name: b.name, probe: await b.probe() })));
}

/** The backend a run uses: `requested` if it can run here, else the fastest present one. */
export async function chooseBackend(requested?: string): Promise<{ ok: true; backend: Backend } | { ok: false; reason: string }> {
  if (requested) {
    const b = backendNamed(requested);
    if (!b) return { ok: false, reason: `unknown backend "${requested}" (known: ${allBackends().map((x) => x.name).join(', ')})` };
    const p = await b.probe();
    return p.ok ? { ok: true, backend: b } : { ok: false, reason: `backend ${requested} cannot run here: ${p.reason}` };
  }
  for (const b of allBackends()) if ((await b.probe()).ok) return { ok: true, backend: b };
  return { ok: false, reason: 'no TensorFlow.js backend is installed' };
}

/** In a worker thread: activates `name` and the gradients the runtime needs on it. */
export async function activateBackend(name: string): Promise<Backend> {
  const b = backendNamed(name);
  if (!b) throw new Error(`unknown backend ${name}`);
  // PROD silences tfjs's console hints (e.g. the banner recommending tfjs-node) and debug checks.
  tf.env().set('PROD', true);
  await b.activate();
  registerGradients();
  avoidKernels(b.avoidKernels ?? []);
  return b;
}
