// @tensorflow/tfjs-backend-webgpu over Dawn's Node bindings (the `webgpu` package): reaches a GPU
// through Vulkan without libtensorflow. Present only when an adapter is found (none on the
// development machine: Dawn rejects Mesa's software Vulkan driver).
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { installed } from './backend';
import { registerBackend } from './registry';

interface Dawn {
  create(flags: string[]): { requestAdapter(): Promise<unknown | null> };
  globals: Record<string, unknown>;
}

function installNavigatorGpu(): { requestAdapter(): Promise<unknown | null> } {
  const dawn = require('webgpu') as Dawn;
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  (globalThis as { navigator?: unknown }).navigator = { gpu };
  return gpu;
}

/**
 * On Linux Dawn reaches the GPU through the Vulkan loader; without it, asking for an adapter only
 * prints Dawn's warnings. Looked up in the usual library folders and LD_LIBRARY_PATH.
 */
function vulkanLoaderFound(): boolean {
  if (process.platform !== 'linux') return true;
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/usr/local/lib'];
  return dirs.some((d) => existsSync(path.join(d, 'libvulkan.so.1')));
}

let probed: Promise<import('./backend').Probe> | undefined;

registerBackend({
  name: 'webgpu',
  preference: 40,
  synchronous: false,
  async probe() {
    if (!installed('@tensorflow/tfjs-backend-webgpu')) return { ok: false, reason: '@tensorflow/tfjs-backend-webgpu is not installed' };
    if (!installed('webgpu')) return { ok: false, reason: 'the webgpu package (Dawn) is not installed' };
    if (!vulkanLoaderFound()) return { ok: false, reason: 'no Vulkan loader (libvulkan.so.1) on this machine' };
    probed ??= (async () => {
      try {
        const adapter = await installNavigatorGpu().requestAdapter();
        return adapter ? { ok: true as const } : { ok: false as const, reason: 'no WebGPU adapter found (needs a GPU with a Vulkan driver)' };
      } catch (e) {
        return { ok: false as const, reason: `WebGPU failed to start: ${(e as Error).message}` };
      }
    })();
    return probed;
  },
  async activate() {
    installNavigatorGpu();
    require('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend failed to initialise');
  },
});
