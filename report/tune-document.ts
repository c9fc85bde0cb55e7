// The part of `trainplan tune --json` a report reads, checked when it comes from a file.
import { z } from 'zod';
import { Plan } from '../simulator/plan/schema';
import { OBJECTIVES } from '../tuner/objective';

const Scored = z.looseObject({ plan: Plan, family: z.string(), secondsPerSample: z.number().positive(), costPerSample: z.number().nonnegative() });

export const TuneDocument = z.looseObject({
  model: z.string(),
  hardware: z.string(),
  objective: z.enum(OBJECTIVES),
  costUnit: z.string(),
  /** The best plan. */
  plan: Plan,
  /** Best plan of each family, and why it loses to the best. */
  families: z.record(z.string(), z.looseObject({ plan: Plan, why: z.string().optional() })),
  /** Families whose every candidate was infeasible, with one reason. */
  infeasibleFamilies: z.record(z.string(), z.string()).optional(),
  frontier: z.array(Scored),
});
export type TuneDocument = z.infer<typeof TuneDocument>;
