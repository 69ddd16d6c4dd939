import { z } from 'zod';

export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']).describe('`ok` when the check passes.'),
    detail: z.string().describe('What the check saw.'),
  })
  .describe('A health check result.');
