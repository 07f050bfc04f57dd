/**
 * Jobs and plan states, and a job's progress as structured steps that the web translates
 * (web/src/lib/messages.ts `job.step.*`), never English sentences.
 */
import { z } from 'zod'
import { JOB_STATES, JOB_STEPS } from './job-states.js'

export * from './job-states.js'

/** One progress report: the step, the town (or county) it is at, and how far through it. */
export const JobStep = z.object({
  step: z.enum(JOB_STEPS),
  /** Name of the town or county the step is working on, when it goes division by division. */
  town: z.string().max(200).optional(),
  done: z.number().int().min(0),
  total: z.number().int().min(0),
})
export type JobStep = z.infer<typeof JobStep>

/** GET /api/jobs/:id and POST /api/jobs/:id/cancel. */
export const Job = z.object({
  state: z.enum(JOB_STATES),
  progress: z.number().min(0).max(1),
  planId: z.uuid(),
  step: JobStep.nullable(),
  error: z.string().optional(),
})
export type Job = z.infer<typeof Job>
