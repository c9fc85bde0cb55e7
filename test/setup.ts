// One fast-check seed for every property, so that CI is reproducible: a failure is the same failure
// on every machine. Stress runs with other seeds (many more runs) are how new counterexamples are
// looked for; set FC_SEED to try one (FC_SEED=random draws a fresh seed each run).
import fc from 'fast-check';

const env = process.env.FC_SEED;
if (env !== 'random') fc.configureGlobal({ seed: env ? Number(env) : 20261128 });
// FC_RUNS_SCALE multiplies every property's number of runs for those stress runs (test/helpers/runs.ts).
