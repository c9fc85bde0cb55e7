// The Backend interface: one TensorFlow.js backend the runtime can run a worker on. Each worker
// thread activates its own copy. Implementations live side by side in this folder and register
// by name; `index.ts` picks the default (the fastest one present).
import * as tf from '@tensorflow/tfjs-core';

export type Probe = { ok: true; detail?: string } | { ok: false; reason: string };

export interface Backend {
  /** The name `--backend` takes and every result reports. */
  name: string;
  /** Expected speed rank; the default backend is the present one with the highest. */
  preference: number;
  /** Whether it can run on this machine (package installed, device found). Called on the main thread. */
  probe(): Promise<Probe>;
  /** Loads it into this thread's tfjs-core and makes it the current backend. */
  activate(): Promise<void>;
  /** Kernels this backend has but that are slower than their composed form (see model/gradients.ts). */
  avoidKernels?: string[];
  /** Whether kernels run synchronously (times of synchronous calls are compute times). */
  synchronous: boolean;
  /** Most bytes one worker's tensors may take on this backend (absent: only the host's memory bounds it). */
  memoryLimitBytes?: number;
}

/** Whether a package can be loaded from here, without loading it. */
export function installed(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/**
 * A backend that is one npm package: present when the package is, activated by loading it (`load`
 * requires it by a literal name, so bundlers see it), after which tfjs knows it as `tfName`.
 */
export function packageBackend(o: {
  name: string; pkg: string; load: () => unknown; tfName?: string; preference: number; avoidKernels?: string[]; memoryLimitBytes?: number;
}): Backend {
  return {
    name: o.name,
    preference: o.preference,
    synchronous: true,
    ...(o.avoidKernels ? { avoidKernels: o.avoidKernels } : {}),
    ...(o.memoryLimitBytes ? { memoryLimitBytes: o.memoryLimitBytes } : {}),
    async probe() {
      return installed(o.pkg) ? { ok: true } : { ok: false, reason: `${o.pkg} is not installed` };
    },
    async activate() {
      o.load();
      if (!(await tf.setBackend(o.tfName ?? o.name))) throw new Error(`the ${o.name} backend failed to initialise`);
    },
  };
}
