// The fidelity defaults (simulator/hardware/defaults.ts): a hardware file that describes only its
// datasheets gets what a training library does anyway; whatever the file says itself wins.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHardware, parseHardware } from '../../simulator/hardware/load';
import { FIDELITY_DEFAULTS, withFidelityDefaults } from '../../simulator/hardware/defaults';
import type { Hardware } from '../../simulator/hardware/schema';
import { TRANSPORTS, UNNAMED_TRANSPORT } from '../../simulator/collectives/transports';
import { simulate, Feasible } from '../../simulator/simulate';
import { must, plan, testHardware, zooModel } from '../helpers/scenarios';

const cluster = (levels: object[], extra: object = {}): Hardware =>
  must(parseHardware({ ...testHardware({ workers: 16 }), network: { topology: 'hierarchical', groupSize: 8, levels, source: 'fixture' }, ...extra }));
const level = (transport?: string) => ({ bandwidthBytesPerSecond: 1e10, latencySeconds: 1e-6, ...(transport ? { transport } : {}) });

describe('fidelity defaults', () => {
  test('a file with none of the fidelity blocks gets every default, each with its source', () => {
    const hw = withFidelityDefaults(cluster([level(), level()]));
    expect(hw.device.variability?.computeCv).toBe(FIDELITY_DEFAULTS.computeCv.value);
    expect(hw.device.interference?.computeSlowdown).toBe(FIDELITY_DEFAULTS.computeSlowdown.value);
    expect(hw.collectives?.bandwidthFraction).toEqual([UNNAMED_TRANSPORT.bandwidthFraction, UNNAMED_TRANSPORT.bandwidthFraction]);
    expect(hw.collectives?.launchSeconds).toBe(UNNAMED_TRANSPORT.launchSeconds);
    for (const s of [hw.device.variability?.source, hw.device.interference?.source, hw.collectives?.source]) expect(s).toMatch(/^default \(simulator\/hardware\/defaults\.ts\): \S/);
    // The resolved hardware is still a valid hardware file.
    expect(parseHardware(hw).ok).toBe(true);
  });

  test('named transports give their own figures, an unnamed level the unnamed one; the slowest launch is taken', () => {
    const hw = withFidelityDefaults(cluster([level('nvlink'), level()]));
    expect(hw.collectives?.bandwidthFraction).toEqual([TRANSPORTS.nvlink.bandwidthFraction, UNNAMED_TRANSPORT.bandwidthFraction]);
    expect(hw.collectives?.launchSeconds).toBe(Math.max(TRANSPORTS.nvlink.launchSeconds, UNNAMED_TRANSPORT.launchSeconds));
  });

  test('what the file says wins, block by block and field by field', () => {
    const own = cluster([level('infiniband'), level('ethernet-tcp')], {
      device: { ...testHardware().device, variability: { computeCv: 0, source: 'fixed clocks' } },
      collectives: { source: 'measured', launchSeconds: 1e-3 },
    });
    const hw = withFidelityDefaults(own);
    expect(hw.device.variability).toEqual({ computeCv: 0, source: 'fixed clocks' });
    expect(hw.device.interference?.computeSlowdown).toBe(FIDELITY_DEFAULTS.computeSlowdown.value);
    expect(hw.collectives?.launchSeconds).toBe(1e-3);
    expect(hw.collectives?.bandwidthFraction).toEqual([TRANSPORTS.infiniband.bandwidthFraction, TRANSPORTS['ethernet-tcp'].bandwidthFraction]);
    expect(hw.collectives?.source).toMatch(/^measured; the rest default/);
    const whole = { ...own, collectives: { source: 'measured', launchSeconds: 0, bandwidthFraction: [1, 1] } };
    expect(withFidelityDefaults(whole).collectives).toEqual(whole.collectives);
  });

  test('loading a hardware file applies them; parsing alone does not; resolving twice changes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainplan-defaults-'));
    const file = join(dir, 'hw.json');
    const bare = cluster([level(), level()]);
    writeFileSync(file, JSON.stringify(bare));
    const loaded = must(loadHardware(file));
    expect(loaded).toEqual(withFidelityDefaults(bare));
    expect(must(parseHardware(JSON.parse(JSON.stringify(bare)))).collectives).toBeUndefined();
    expect(withFidelityDefaults(loaded)).toEqual(loaded);
  });

  test('with the defaults a datasheet-only cluster scales below linear, and more so with more workers', () => {
    const model = zooModel('mini-owt');
    const eff = (hw: Hardware, k: number) => {
      const r = simulate(model, hw, plan('data', model, { workers: k, batchPerWorker: 32, topology: 'hierarchical' })) as Feasible;
      return r.speedup / k;
    };
    const bare = cluster([level(), level()]);
    const resolved = withFidelityDefaults(bare);
    expect(eff(resolved, 16)).toBeLessThan(eff(bare, 16));
    expect(eff(resolved, 16)).toBeLessThan(eff(resolved, 8));
  });
});
