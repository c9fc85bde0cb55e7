// Networks as the collective libraries achieve them (docs/fidelity.md). Link rates in a hardware
// file are what the wires carry; NCCL, Gloo or MPI over them reach a fraction of that (protocol
// headers and flags, chunking, proxy threads, TCP's stack on sockets). The hardware file's
// `collectives.bandwidthFraction` says how much per network level: every transfer on that level
// moves at the achieved rate, in the full simulation and the closed forms alike. Without that
// block, a level that names its `transport` gets that transport's published figures.
import type { Hardware, Network, Transport } from '../hardware/schema';
import { TRANSPORTS } from './transports';

const cache = new WeakMap<Network, WeakMap<readonly number[], Network>>();

/** The hardware's network with each level's bandwidths scaled to what its transport achieves. */
export function achievedNetwork(hw: Hardware): Network {
  const f = hw.collectives?.bandwidthFraction ?? transportFractions(hw.network);
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

/** The transports of a network's levels (one for flat networks), where named. */
function transports(n: Network): (Transport | undefined)[] {
  return n.topology === 'hierarchical' ? n.levels.map((l) => l.transport) : [n.transport];
}

const fractions = new WeakMap<Network, number[] | null>();
/** Per level, the named transport's fraction (1 where none is named); undefined if no level names one. */
function transportFractions(n: Network): number[] | undefined {
  let f = fractions.get(n);
  if (f === undefined) {
    const t = transports(n);
    fractions.set(n, (f = t.some((x) => x) ? t.map((x) => (x ? TRANSPORTS[x].bandwidthFraction : 1)) : null));
  }
  return f ?? undefined;
}

/**
 * Fixed time of one collective call before its first transfer: the file's own figure, else the
 * slowest named transport's, else 0.
 */
export function launchSeconds(hw: Hardware): number {
  const own = hw.collectives?.launchSeconds;
  if (own !== undefined) return own;
  let launch = 0;
  for (const t of transports(hw.network)) if (t) launch = Math.max(launch, TRANSPORTS[t].launchSeconds);
  return launch;
}
