// Synchronisation through an object store, as serverless training systems do it (LambdaML,
// Jiang et al. SIGMOD 2021; Cirrus; Siren). Workers never talk to each other: they PUT objects
// and poll for the objects they wait on, then GET them. A waiting GET starts on average half a
// poll interval after its object appears.
//   s3-allreduce: every worker PUTs its gradient; one reducer GETs them all, sums, PUTs the sum;
//     the others GET it. 2(N−1)+1 … requests, and the reducer's link carries N·S.
//   s3-scatter-reduce: each worker owns 1/N of the vector: it PUTs N−1 chunks (one per owner),
//     GETs the N−1 chunks of its own part, sums, PUTs its reduced chunk, GETs the N−1 others.
import type { TaskGraph } from '../engine/graph';
import type { StoreNode, Topology } from '../topology/topology';
import { Collective, Pattern, ranksKey, registerCollective, RoundCost, roundTime } from './collective';

function storeOf(topo: Topology): StoreNode {
  if (!topo.store) throw new Error('an s3 synchronisation needs a hardware file with an objectStore');
  return topo.store;
}

/** GET of an object another worker PUT: poll, then fetch. */
function getAfterPoll(g: TaskGraph, store: StoreNode, dst: number, bytes: number, put: number[], label: string): number {
  const seen = store.pollIntervalSeconds > 0 ? g.delay(dst, store.pollIntervalSeconds / 2, put, `${label} poll`) : g.join(put, label);
  return g.transfer(store.index, dst, bytes, [seen], label);
}

export const s3AllReduce: Collective = {
  name: 's3-allreduce',
  lower(g, topo, ranks, bytes, ready, label) {
    const st = storeOf(topo);
    const n = ranks.length;
    if (n === 1) return [g.join(ready, label)];
    const puts = ranks.slice(1).map((r, i) => g.transfer(r, st.index, bytes, [ready[i + 1]], `${label} s3 put grad`));
    const gets = puts.map((p) => getAfterPoll(g, st, ranks[0], bytes, [p], `${label} s3 get grad`));
    const sum = g.compute(ranks[0], (n - 1) * bytes * st.reduceSecondsPerByte, [ready[0], ...gets], `${label} reduce`, 'comm');
    const putSum = g.transfer(ranks[0], st.index, bytes, [sum], `${label} s3 put sum`);
    return [putSum, ...ranks.slice(1).map((r) => getAfterPoll(g, st, r, bytes, [putSum], `${label} s3 get sum`))];
  },
  time(topo, ranks, bytes, round: RoundCost = roundTime) {
    const st = storeOf(topo);
    const n = ranks.length;
    if (n === 1) return 0;
    const others = ranks.slice(1);
    const k = ranksKey(ranks);
    const poll = st.pollIntervalSeconds / 2;
    return round(topo, () => others.map((r) => [r, st.index] as [number, number]), bytes, `s3ar-put:${k}`) + poll +
      round(topo, () => others.map(() => [st.index, ranks[0]] as [number, number]), bytes, `s3ar-get:${k}`) +
      (n - 1) * bytes * st.reduceSecondsPerByte +
      round(topo, [[ranks[0], st.index]], bytes, `s3ar-putsum:${ranks[0]}`) + poll +
      round(topo, () => others.map((r) => [st.index, r] as [number, number]), bytes, `s3ar-getsum:${k}`);
  },
};

export const s3ScatterReduce: Collective = {
  name: 's3-scatter-reduce',
  lower(g, topo, ranks, bytes, ready, label) {
    const st = storeOf(topo);
    const n = ranks.length;
    if (n === 1) return [g.join(ready, label)];
    const chunk = bytes / n;
    // put[i][j]: worker i's chunk j, for its owner j.
    const put = ranks.map((r, i) => ranks.map((_, j) => (i === j ? -1 : g.transfer(r, st.index, chunk, [ready[i]], `${label} s3 put chunk`))));
    const reduced = ranks.map((r, j) => {
      const gets = ranks.map((_, i) => (i === j ? -1 : getAfterPoll(g, st, r, chunk, [put[i][j]], `${label} s3 get chunk`)));
      const sum = g.compute(r, (n - 1) * chunk * st.reduceSecondsPerByte, [ready[j], ...gets], `${label} reduce`, 'comm');
      return g.transfer(r, st.index, chunk, [sum], `${label} s3 put reduced`);
    });
    return ranks.map((r, i) => g.join([reduced[i], ...ranks.map((_, j) => (i === j ? -1 : getAfterPoll(g, st, r, chunk, [reduced[j]], `${label} s3 get reduced`)))], `${label} done`));
  },
  time(topo, ranks, bytes, round: RoundCost = roundTime) {
    const st = storeOf(topo);
    const n = ranks.length;
    if (n === 1) return 0;
    const k = ranksKey(ranks);
    const chunk = bytes / n;
    const all = (f: (i: number, j: number) => [number, number]): Pattern => ranks.flatMap((_, i) => ranks.map((_, j) => (i === j ? undefined : f(i, j)))).filter((x): x is [number, number] => !!x);
    const poll = st.pollIntervalSeconds / 2;
    return round(topo, () => all((i) => [ranks[i], st.index]), chunk, `s3sr-put:${k}`) + poll +
      round(topo, () => all((_, j) => [st.index, ranks[j]]), chunk, `s3sr-get:${k}`) +
      (n - 1) * chunk * st.reduceSecondsPerByte +
      round(topo, () => ranks.map((r) => [r, st.index] as [number, number]), chunk, `s3sr-putr:${k}`) + poll +
      round(topo, () => all((i) => [st.index, ranks[i]]), chunk, `s3sr-getr:${k}`);
  },
};

registerCollective(s3AllReduce);
registerCollective(s3ScatterReduce);
