// Shared by the runtime tests: every worker's end of a transport, all in this thread (the rings of
// the memory transport work within one thread too).
import { memoryTransport } from '../../runtime/transports/memory';
import type { Transport } from '../../runtime/transports';

export function memoryGroup(workers: number, capacityBytes?: number): Transport[] {
  const setup = memoryTransport.setup(workers, { kind: 'memory', capacityBytes });
  return Array.from({ length: workers }, (_, r) => memoryTransport.open(setup, r, workers));
}
