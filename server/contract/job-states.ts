/**
 * Job and plan states, the steps of a computation and the interruption message, as plain
 * constants without zod, so the web can import them (zod probes `eval`, which the
 * Content-Security-Policy forbids). The schemas are in jobs.ts.
 */
export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const
export type JobState = (typeof JOB_STATES)[number]
/** States a job can still leave; progress is written only in these (SQL-guarded). */
export const JOB_ACTIVE_STATES = ['queued', 'running'] as const satisfies readonly JobState[]

/**
 * A plan's status. `submitted`, `approved` and `returned` are the approval's steps; `outdated`
 * is never stored: an open plan (draft, submitted, approved, returned) reads as outdated once
 * the data of one of its counties changed since it was computed.
 */
export const PLAN_STATUSES = ['computing', 'draft', 'submitted', 'approved', 'returned', 'outdated', 'failed', 'applied', 'discarded', 'cancelled'] as const
export type PlanStatus = (typeof PLAN_STATUSES)[number]
/** Plans that may still be submitted, approved or applied (when not outdated). */
export const OPEN_PLAN_STATUSES = ['draft', 'submitted', 'approved', 'returned'] as const satisfies readonly PlanStatus[]
export type StoredPlanStatus = Exclude<PlanStatus, 'outdated'>

/** The steps of a plan computation, in the order they happen. */
export const JOB_STEPS = [
  'started',
  'readingData',
  'allocatingPosts',
  'assigningWorkers',
  'designingGrids',
  'assigningSupervisors',
  'planningVisits',
  'comparing',
] as const
export type JobStepName = (typeof JOB_STEPS)[number]

/** What a stopped job says when its process ended while it ran (the web translates it). */
export const JOB_INTERRUPTED = 'interrupted by a server restart'
