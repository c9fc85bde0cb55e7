// What collective libraries achieve on each kind of transport, used where a hardware file names
// a level's `transport` but gives no `collectives` block of its own (docs/fidelity.md). Each
// fraction is of the datasheet's per-direction link rate, at large messages; each launch is the
// fixed cost of one collective call before its first byte.
import type { Transport } from '../hardware/schema';

export interface Achieved {
  bandwidthFraction: number;
  launchSeconds: number;
  source: string;
}

export const TRANSPORTS: Record<Transport, Achieved> = {
  nvlink: {
    bandwidthFraction: 0.8, launchSeconds: 1e-5,
    source: 'nccl-tests all_reduce_perf bus bandwidth on NVLink systems reaches ~0.8 of the NVLink per-direction rate at large messages (DGX-1V ~120 of 150 GB/s, DGX A100 ~230 of 300 GB/s); ~10 µs for a small all-reduce inside a node',
  },
  pcie: {
    bandwidthFraction: 0.7, launchSeconds: 1e-5,
    source: 'nccl-tests over PCIe Gen3 x16 peer-to-peer: ~11 of 15.75 GB/s; ~10 µs for a small all-reduce inside a node',
  },
  infiniband: {
    bandwidthFraction: 0.85, launchSeconds: 2e-5,
    source: 'nccl-tests with GPUDirect RDMA: ~0.85 of the HCA line rate at large messages (NVIDIA/nccl-tests issue #232: 41.5 GB/s of 50 at 32 MB); an 8-byte all-reduce across nodes ~13 µs (aws/aws-k8s-tester PR #503) plus the framework\'s call',
  },
  roce: {
    bandwidthFraction: 0.85, launchSeconds: 2e-5,
    source: 'RDMA over Converged Ethernet runs the same verbs as InfiniBand: as infiniband',
  },
  'ethernet-tcp': {
    bandwidthFraction: 0.65, launchSeconds: 5e-5,
    source: 'Sergeev & Del Balso 2018 (Horovod), Fig. 7: on the same 25 GbE network RDMA trained the communication-bound VGG-16 ~30% faster than TCP, so TCP sockets reach ~1/1.3 of RDMA\'s 0.85 ≈ 0.65 of line rate (kernel copies, one connection per peer); a socket round trip adds ~30 µs per call',
  },
};

/**
 * A level whose file names no transport: a collective library (NCCL, Gloo, MPI) runs over it all
 * the same. Its fraction is the median of the table above (0.8: the NVLink figure, between PCIe's
 * 0.7 and the RDMA fabrics' 0.85, above TCP's 0.65), its launch that of a collective between
 * nodes (a file that names no transport is more often describing a cluster than one box).
 */
export const UNNAMED_TRANSPORT: Achieved = {
  bandwidthFraction: 0.8, launchSeconds: 2e-5,
  source: 'median of the published transport figures above (nccl-tests bus bandwidths; Horovod paper for TCP); launch as for a collective across nodes (nccl-tests small all-reduce ~13 µs plus the framework\'s call)',
};
