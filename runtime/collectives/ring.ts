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

/**
 * The ring through `members` (transport ranks, in ring order) as seen by member `me`: a tensor-,
 * data- or pipeline-parallel group of a larger run. Positions are within the group; neighbours are
 * transport ranks.
 */
export function groupRing(members: readonly number[], me: number): Ring {
  const i = members.indexOf(me);
  if (i < 0) throw new Error(`worker ${me} is not in the group [${members.join(', ')}]`);
  const k = members.length;
  return { rank: i, size: k, left: members[(i - 1 + k) % k], right: members[(i + 1) % k] };
}
