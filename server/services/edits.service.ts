/**
 * Edits a planner needs between solves: move one worker, change a village's grid unit,
 * move a service point to another host village. Each runs in one transaction with an audit
 * record; the database bumps the data version. Rules the programme allows to be broken for a while
 * (e.g. a point left without a worker during a move) are warnings, not refusals: the answer
 * lists every violation the edit introduces in the towns it touches.
 */
import type { Knex } from 'knex'
import { countyOf } from '../../geodata/codes.js'
import type { SessionUser } from '../auth/roles.js'
import { BadRequest, NotFound } from '../errors.js'
import * as edits from '../repositories/edits.repository.js'
import { dataVersion, lockCounties } from '../repositories/meta.repository.js'
import { audit } from '../repositories/audit.repository.js'
import { ruleFacts } from '../repositories/rules.repository.js'
import { evaluateRules, type RuleViolation } from './rules.js'

export interface EditResult {
  dataVersion: number
  /** Violations the edit introduced (in the towns it touched). */
  warnings: RuleViolation[]
}

const key = (v: RuleViolation) => `${v.rule}:${v.code}`

async function violationsIn(trx: Knex, towns: string[]): Promise<RuleViolation[]> {
  const out: RuleViolation[] = []
  for (const t of [...new Set(towns)]) out.push(...evaluateRules(await ruleFacts(trx, t)).filter((v) => v.rule !== 'supervisor_stations_range'))
  return out
}

/** What the audit log records of an edit (the actor is added). */
type EditAudit = Omit<Parameters<typeof audit>[1], 'actor'>

/**
 * Runs an edit in one transaction under the lock of the county it writes (the lock a plan
 * apply of that county takes), so that what `check` validates cannot change before `write`
 * runs: `check` reads and validates (throwing 400/404), `write` changes the data and says
 * what to audit. Reports the violations the edit introduced in the towns `check` names.
 * `scope` is a code inside the county written (its town, or the village); every town
 * `check` names is locked too (it is, in every edit here: edits stay in one county).
 */
async function editUnderLock<C>(
  knex: Knex,
  user: SessionUser,
  scope: string,
  check: (trx: Knex.Transaction) => Promise<{ towns: string[]; context: C }>,
  write: (trx: Knex.Transaction, context: C) => Promise<EditAudit>,
): Promise<EditResult> {
  return knex.transaction(async (trx) => {
    const locked = await lockCounties(trx, scope)
    const { towns, context } = await check(trx)
    const others = towns.filter((t) => !(countyOf(t)! in locked))
    if (others.length) await lockCounties(trx, ...others)
    const before = new Set((await violationsIn(trx, towns)).map(key))
    await audit(trx, { actor: user.username, ...(await write(trx, context)) })
    const after = await violationsIn(trx, towns)
    return { dataVersion: await dataVersion(trx, scope), warnings: after.filter((v) => !before.has(key(v))) }
  })
}

/** Posts a worker to a station (administrative post) or a service point of the same county. */
export async function moveWorker(knex: Knex, user: SessionUser, workerId: string, to: string): Promise<EditResult> {
  // The post's county is the one written: a worker moves only to a post of its own county.
  const post = await edits.findPost(knex, to, user.scope)
  if (!post) throw new NotFound(`station or service point ${to} does not exist within your scope`)
  return editUnderLock(
    knex,
    user,
    post.townCode,
    async (trx) => {
      const worker = await edits.findWorker(trx, workerId, user.scope)
      if (!worker) throw new NotFound(`worker ${workerId} does not exist within your scope`)
      const post = await edits.findPost(trx, to, user.scope)
      if (!post) throw new NotFound(`station or service point ${to} does not exist within your scope`)
      if (countyOf(post.townCode) !== countyOf(worker.townCode)) {
        throw new BadRequest(`${post.name} is in another county: workers move within their county (the county bureau sets each town's staffing)`, 'to')
      }
      return { towns: [worker.townCode, post.townCode], context: { worker, post } }
    },
    async (trx, { worker, post }) => {
      await edits.moveWorker(trx, worker.id, post)
      return {
        action: 'worker.move',
        entity: 'worker',
        entityId: worker.id,
        scope: post.townCode,
        divisions: [worker.townCode],
        details: { from: worker.servicePointId ?? worker.stationId, to: post.id },
      }
    },
  )
}

/** Puts a village in a grid unit of its town (or in none: `gridUnitId` null). */
export async function setVillageGridUnit(knex: Knex, user: SessionUser, code: string, gridUnitId: string | null): Promise<EditResult> {
  return editUnderLock(
    knex,
    user,
    code,
    async (trx) => {
      const village = await edits.findVillage(trx, code, user.scope)
      if (!village) throw new NotFound(`village ${code} does not exist within your scope`)
      if (gridUnitId) {
        const unit = await edits.findGridUnit(trx, gridUnitId, user.scope)
        if (!unit) throw new NotFound(`grid unit ${gridUnitId} does not exist within your scope`)
        if (unit.townCode !== village.townCode) throw new BadRequest(`grid unit ${gridUnitId} belongs to another town than ${village.name}`, 'gridUnitId')
      }
      return { towns: [village.townCode], context: village }
    },
    async (trx, village) => {
      await edits.setVillageGridUnit(trx, village, gridUnitId)
      return {
        action: 'village.grid_unit',
        entity: 'village',
        entityId: code,
        scope: village.townCode,
        details: { from: village.gridUnitId, to: gridUnitId },
      }
    },
  )
}

/** Moves a service point to another host village of its grid unit. */
export async function setServicePointHost(knex: Knex, user: SessionUser, pointId: string, villageCode: string): Promise<EditResult> {
  // A point stays in its station's town: its county is known before the lock.
  const located = await edits.findServicePoint(knex, pointId, user.scope)
  if (!located) throw new NotFound(`service point ${pointId} does not exist within your scope`)
  return editUnderLock(
    knex,
    user,
    located.townCode,
    async (trx) => {
      const point = await edits.findServicePoint(trx, pointId, user.scope)
      if (!point) throw new NotFound(`service point ${pointId} does not exist within your scope`)
      const village = await edits.findVillage(trx, villageCode, user.scope)
      if (!village) throw new NotFound(`village ${villageCode} does not exist within your scope`)
      if (village.gridUnitId !== point.gridUnitId) {
        throw new BadRequest(`${village.name} is not in the grid unit of ${pointId}: a point is hosted by a village of its own unit`, 'villageCode')
      }
      return { towns: [point.townCode], context: { point, village } }
    },
    async (trx, { point, village }) => {
      await edits.setServicePointHost(trx, pointId, village)
      return {
        action: 'service_point.host',
        entity: 'service_point',
        entityId: pointId,
        scope: point.townCode,
        details: { from: point.villageCode, to: villageCode },
      }
    },
  )
}
