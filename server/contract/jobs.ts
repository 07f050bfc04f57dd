/**
 * Jobs and plan states, and a job's progress as structured steps that the web translates
 * (web/src/lib/messages.ts `job.step.*`), never English sentences.
 */
import { z } from 'zod'

export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const
export type JobState = (typeof JOB_STATES)[number]
/** States a job can still leave; progress is written only in these (SQL-guarded). */
export const JOB_ACTIVE_STATES = ['queued', 'running'] as const satisfies readonly JobState[]

export const PLAN_STATUSES = ['computing', 'draft', 'failed', 'applied', 'discarded', 'cancelled'] as const
export type PlanStatus = (typeof PLAN_STATUSES)[number]

/** The steps of a plan computation, in the order they happen. */
export const JOB_STEPS = [
  'started',
  'readingData',
  'allocatingPosts',
  'assigningWorkers',
  'designingGrids',
  'assigningSupervisors',
  'comparing',
] as const
export type JobStepName = (typeof JOB_STEPS)[number]

/** One progress report: the step, the town (or county) it is at, and how far through it. */
export const JobStep = z.object({
  step: z.enum(JOB_STEPS),
  /** Name of the town or county the step is working on, when it goes division by division. */
  town: z.string().max(200).optional(),
  done: z.number().int().min(0),
  total: z.number().int().min(0),
})
export type JobStep = z.infer<typeof JobStep>

/** What a stopped job says when its process ended while it ran (the web translates it). */
export const JOB_INTERRUPTED = 'interrupted by a server restart'

/** GET /api/jobs/:id and POST /api/jobs/:id/cancel. */
export const Job = z.object({
  state: z.enum(JOB_STATES),
  progress: z.number().min(0).max(1),
  planId: z.uuid(),
  step: JobStep.nullable(),
  error: z.string().optional(),
})
export type Job = z.infer<typeof Job>
