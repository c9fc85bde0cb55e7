// Who a worker's neighbours are on a ring; the ring algorithms never work this out themselves.
export interface Ring {
  rank: number;
  size: number;
  /** The worker this one receives from. */
  left: number;
  /** The worker this one sends to. */
  right: number;
}

/** Workers in rank order, closed into a ring (the only order a switch needs). */
export function rankOrderRing(rank: number, size: number): Ring {
  return { rank, size, left: (rank - 1 + size) % size, right: (rank + 1) % size };
}
