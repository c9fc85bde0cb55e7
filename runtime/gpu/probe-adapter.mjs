// Asks Dawn (the `webgpu` package) for a WebGPU adapter the way runtime/backends/webgpu.ts does,
// and prints what it found as one JSON line on stdout: the adapter's name (vendor, architecture,
// device, description), whether it is a fallback (software) adapter, and a few limits that
// matter to tfjs-backend-webgpu; or `ok: false` when there is none. Dawn's own diagnostics (e.g.
// "vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER") go to stderr: gpu-check.sh keeps
// them for its report. Exit status: 0 adapter and device found, 3 no adapter, 1 other failure.
//
// usage (from a folder whose node_modules holds `webgpu`): node probe-adapter.mjs
import { create } from 'webgpu';

const LIMITS = ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup'];

function print(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
}

try {
  const flags = (process.env.GPU_CHECK_DAWN_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const gpu = create(flags);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    print({ ok: false, reason: 'requestAdapter() returned null: no WebGPU adapter (see Dawn\'s messages on stderr)' });
    process.exit(3);
  }
  const info = adapter.info ?? {};
  const adapterInfo = {
    vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description,
    isFallbackAdapter: adapter.isFallbackAdapter ?? info.isFallbackAdapter ?? null,
  };
  const limits = Object.fromEntries(LIMITS.map((k) => [k, adapter.limits?.[k]]));
  const features = [...(adapter.features ?? [])].sort();
  let device = null;
  try {
    const d = await adapter.requestDevice();
    device = { ok: true };
    d.destroy();
  } catch (e) {
    device = { ok: false, error: String(e?.message ?? e) };
  }
  const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ') || '(adapter gives no name)';
  print({ ok: true, name, adapter: adapterInfo, limits, features, device });
  process.exit(device.ok ? 0 : 1);
} catch (e) {
  print({ ok: false, reason: `Dawn failed: ${e?.message ?? e}` });
  process.exit(1);
}
