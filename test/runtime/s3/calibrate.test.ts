// Calibrating an S3 endpoint gives an objectStore block the simulator accepts, and leaves nothing behind.
import { ObjectStore } from '../../../simulator/hardware/schema';
import { calibrateObjectStore } from '../../../runtime/s3/calibrate';
import { S3ObjectStore } from '../../../runtime/s3/s3-objects';
import { embeddedServer } from './helpers';

const srv = embeddedServer();

test('the measured objectStore block validates, with positive finite figures, and the store is left clean', async () => {
  const cfg = { endpoint: srv.server().endpoint, bucket: 'trainplan' };
  const steps: number[] = [];
  const c = await calibrateObjectStore(cfg, { smallRepeats: 3, largeRepeats: 2, largeBytes: 1 << 20, describe: 'embedded s3rver on loopback', onProgress: (d) => steps.push(d) });
  expect(ObjectStore.safeParse(c.objectStore).success).toBe(true);
  for (const v of [c.objectStore.bandwidthBytesPerSecondPerWorker, c.objectStore.requestLatencySeconds, c.measured.aggregateBytesPerSecond]) {
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeGreaterThan(0);
  }
  expect(c.objectStore.putDollarsPerRequest).toBe(0);
  expect(c.objectStore.source).toContain('embedded s3rver on loopback');
  expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7]); // 3 small, 2 large, the polls, the clients together
  const store = new S3ObjectStore(cfg);
  expect(await store.list('calibrate/')).toEqual([]);
  store.destroy();
});
