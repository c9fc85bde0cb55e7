// The part of `trainplan validate --json` a report reads, checked when it comes from a file.
import { z } from 'zod';

const Row = z.looseObject({
  strategy: z.string(),
  workers: z.number().int().positive(),
  bandwidth: z.number().positive().nullable(),
  transport: z.string(),
  sync: z.string().optional(),
  predictedStepSeconds: z.number().positive().nullable(),
  measuredStepSeconds: z.number().positive(),
  error: z.number().nullable(),
  note: z.string().optional(),
});

export const ValidateDocument = z.looseObject({
  model: z.string(),
  hardware: z.string(),
  backend: z.string(),
  rows: z.array(Row).min(1, { error: 'must hold at least one row' }),
  medianAbsError: z.number().nullable(),
  medianAbsErrorBySync: z.record(z.string(), z.number()),
});
