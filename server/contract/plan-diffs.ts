/**
 * What a plan changes, one schema per plan kind: the `diff` of GET /api/plans/:id. Each
 * kind's strategy (server/services/plans/*.plan.ts) returns exactly this type, the web reads
 * it (type-only), and the OpenAPI document carries it as a union on `kind`, so a client
 * knows every field of every kind's review.
 */
import { z } from 'zod'

const LngLat = z.tuple([z.number(), z.number()])
const Count = z.number().int().min(0)

/** A post a worker holds: the station (administrative) or a service point (service). */
const PostPlace = z.object({
  id: z.string(),
  name: z.string(),
  post: z.enum(['station', 'point']),
  townCode: z.string().nullable(),
  lnglat: LngLat.nullable(),
})

export const WorkerMove = z.object({
  workerId: z.string(),
  name: z.string(),
  from: PostPlace,
  to: PostPlace,
  /** The new post is in another town (its employer changes). */
  crossTown: z.boolean(),
  /** Straight-line distance between the two posts. */
  distanceKm: z.number().nullable(),
})

const TownPosts = z.object({ adminPosts: Count, servicePosts: Count })
/** Workers in post before and after at a station or point, and its posts left to the recruitment or vacant. */
const PostCount = z.object({ id: z.string(), name: z.string(), townCode: z.string(), before: Count, after: Count, recruits: Count, vacant: Count })

export const StaffPlanDiff = z.object({
  kind: z.literal('staff'),
  summary: z.object({
    /** Workers moving to another post of their own town (Shaoguan plan §2(2)). */
    moves: Count,
    /** Workers transferred to another town (only with allowTransfers; a new employer, §2(3)). */
    transfers: Count,
    /** New posts left to the province's recruitment (§2(2)). */
    recruits: Count,
    /** Posts the plan wants filled that neither a worker nor the recruitment fills. */
    vacant: Count,
    /** Workers whose post the budget no longer funds. */
    released: Count,
    townsChanged: Count,
    pointsChanged: Count,
  }),
  towns: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      villages: Count,
      /** Workers in post (recruits and released workers not counted). */
      before: TownPosts,
      after: TownPosts,
      recruits: Count,
      vacant: Count,
      released: Count,
      transfersIn: Count,
      transfersOut: Count,
    }),
  ),
  stations: z.array(PostCount),
  points: z.array(PostCount),
  moves: z.array(WorkerMove),
  /** Workers whose post the budget no longer funds, by name (chosen by assignWorkers' objective). */
  released: z.array(z.object({ workerId: z.string(), name: z.string(), from: PostPlace })),
})

export const GridPlanDiff = z.object({
  kind: z.literal('grids'),
  summary: z.object({ villagesMoved: Count, unitsAdded: Count, unitsRemoved: Count, unitsChanged: Count, workersMoved: Count }),
  /** Villages whose grid unit changes (null: none before or after). */
  membership: z.array(z.object({ villageCode: z.string(), from: z.string().nullable(), to: z.string().nullable() })),
  units: z.array(
    z.object({
      id: z.string(),
      townCode: z.string(),
      change: z.enum(['added', 'removed', 'changed']),
      villages: z.array(z.string()),
      /** The village hosting the unit's service point. */
      host: z.string().nullable(),
    }),
  ),
  /** Workers re-posted to another service point. */
  moves: z.array(z.object({ workerId: z.string(), from: z.string().nullable(), to: z.string().nullable() })),
})

const SupervisorLoad = z.object({ stations: Count, distanceKm: z.number().min(0) })
const SupervisorRef = z.object({ id: z.string(), name: z.string() })

export const SupervisorPlanDiff = z.object({
  kind: z.literal('supervisors'),
  summary: z.object({ stationsReassigned: Count }),
  supervisors: z.array(z.object({ id: z.string(), name: z.string(), before: SupervisorLoad, after: SupervisorLoad })),
  changes: z.array(z.object({ stationId: z.string(), name: z.string(), from: SupervisorRef.nullable(), to: SupervisorRef.nullable() })),
})

export const PlanDiff = z.discriminatedUnion('kind', [StaffPlanDiff, GridPlanDiff, SupervisorPlanDiff])

export type StaffPlanDiff = z.infer<typeof StaffPlanDiff>
export type GridPlanDiff = z.infer<typeof GridPlanDiff>
export type SupervisorPlanDiff = z.infer<typeof SupervisorPlanDiff>
export type PlanDiff = z.infer<typeof PlanDiff>
export type WorkerMove = z.infer<typeof WorkerMove>
