// The version of the simulator's answers. Bump it with any change that alters a simulated figure:
// scores kept by an earlier version (tune's results log, a --store) are then not reused.
// 1: first release. 2: steady state measured after one step, with unmeasured steps after it when
// steps overlap; asynchronous plans measured once settled (they were up to 20% optimistic).
export const SIMULATOR_VERSION = 2;
