// Networks as the collective libraries achieve them (docs/fidelity.md). Link rates in a hardware
// file are what the wires carry; NCCL, Gloo or MPI over them reach a fraction of that (protocol
// headers and flags, chunking, proxy threads, TCP's stack on sockets). The hardware file's
// `collectives.bandwidthFraction` says how much per network level: every transfer on that level
// moves at the achieved rate, in the full simulation and the closed forms alike.
import type { Hardware, Network } from '../hardware/schema';

const cache = new WeakMap<Network, WeakMap<readonly number[], Network>>();

/** The hardware's network with each level's bandwidths scaled to what its transport achieves. */
export function achievedNetwork(hw: Hardware): Network {
  const f = hw.collectives?.bandwidthFraction;
  if (!f) return hw.network;
  let m = cache.get(hw.network);
  if (!m) cache.set(hw.network, (m = new WeakMap()));
  let n = m.get(f);
  if (!n) m.set(f, (n = scaled(hw.network, f)));
  return n;
}

function scaled(n: Network, f: readonly number[]): Network {
  const by = (x: number | undefined, k: number) => (x === undefined ? undefined : x * k);
  switch (n.topology) {
    case 'hierarchical':
      return { ...n, levels: n.levels.map((l, i) => ({ ...l, bandwidthBytesPerSecond: l.bandwidthBytesPerSecond * (f[i] ?? f[0]) })) };
    case 'switch':
    case 'ring':
      return { ...n, bandwidthBytesPerSecond: n.bandwidthBytesPerSecond * f[0] };
    case 'tree':
    case 'pcie-pairs':
      return {
        ...n, bandwidthBytesPerSecond: n.bandwidthBytesPerSecond * f[0],
        uplinkBandwidthBytesPerSecond: by(n.uplinkBandwidthBytesPerSecond, f[0]), rootBandwidthBytesPerSecond: by(n.rootBandwidthBytesPerSecond, f[0]),
      };
  }
}

/** Fixed time of one collective call before its first transfer (0 where the file gives none). */
export function launchSeconds(hw: Hardware): number {
  return hw.collectives?.launchSeconds ?? 0;
}
