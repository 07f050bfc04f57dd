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
import { dataVersion, lockNetwork } from '../repositories/meta.repository.js'
import { audit } from '../repositories/planning.repository.js'
import { ruleFacts } from '../repositories/rules.repository.js'
import { evaluateRules, type Violation } from './rules.js'

export interface EditResult {
  dataVersion: number
  /** Violations the edit introduced (in the towns it touched). */
  warnings: Violation[]
}

const key = (v: Violation) => `${v.rule}:${v.code}`

async function violationsIn(trx: Knex, towns: string[]): Promise<Violation[]> {
  const out: Violation[] = []
  for (const t of [...new Set(towns)]) out.push(...evaluateRules(await ruleFacts(trx, t)).filter((v) => v.rule !== 'supervisor_stations_range'))
  return out
}

/** Runs an edit in a transaction and reports the violations it introduced in `towns`. */
async function withWarnings(knex: Knex, towns: string[], edit: (trx: Knex.Transaction) => Promise<void>): Promise<EditResult> {
  return knex.transaction(async (trx) => {
    await lockNetwork(trx)
    const before = new Set((await violationsIn(trx, towns)).map(key))
    await edit(trx)
    const after = await violationsIn(trx, towns)
    return { dataVersion: await dataVersion(trx), warnings: after.filter((v) => !before.has(key(v))) }
  })
}

/** Posts a worker to a station (administrative post) or a service point of the same county. */
export async function moveWorker(knex: Knex, user: SessionUser, workerId: string, to: string): Promise<EditResult> {
  const worker = await edits.findWorker(knex, workerId, user.scope)
  if (!worker) throw new NotFound(`worker ${workerId} does not exist within your scope`)
  const post = await edits.findPost(knex, to, user.scope)
  if (!post) throw new NotFound(`station or service point ${to} does not exist within your scope`)
  if (countyOf(post.townCode) !== countyOf(worker.townCode)) {
    throw new BadRequest(`${post.name} is in another county: workers move within their county (the county bureau sets each town's staffing)`, 'to')
  }
  return withWarnings(knex, [worker.townCode, post.townCode], async (trx) => {
    await edits.moveWorker(trx, worker.id, post)
    await audit(trx, {
      actor: user.username,
      action: 'worker.move',
      entity: 'worker',
      entityId: worker.id,
      scope: post.townCode,
      details: { from: worker.servicePointId ?? worker.stationId, to: post.id },
    })
  })
}

/** Puts a village in a grid unit of its town (or in none: `gridUnitId` null). */
export async function setVillageGridUnit(knex: Knex, user: SessionUser, code: string, gridUnitId: string | null): Promise<EditResult> {
  const village = await edits.findVillage(knex, code, user.scope)
  if (!village) throw new NotFound(`village ${code} does not exist within your scope`)
  if (gridUnitId) {
    const unit = await edits.findGridUnit(knex, gridUnitId, user.scope)
    if (!unit) throw new NotFound(`grid unit ${gridUnitId} does not exist within your scope`)
    if (unit.townCode !== village.townCode) throw new BadRequest(`grid unit ${gridUnitId} belongs to another town than ${village.name}`, 'gridUnitId')
  }
  return withWarnings(knex, [village.townCode], async (trx) => {
    await edits.setVillageGridUnit(trx, village, gridUnitId)
    await audit(trx, {
      actor: user.username,
      action: 'village.grid_unit',
      entity: 'village',
      entityId: code,
      scope: village.townCode,
      details: { from: village.gridUnitId, to: gridUnitId },
    })
  })
}

/** Moves a service point to another host village of its grid unit. */
export async function setServicePointHost(knex: Knex, user: SessionUser, pointId: string, villageCode: string): Promise<EditResult> {
  const point = await edits.findServicePoint(knex, pointId, user.scope)
  if (!point) throw new NotFound(`service point ${pointId} does not exist within your scope`)
  const village = await edits.findVillage(knex, villageCode, user.scope)
  if (!village) throw new NotFound(`village ${villageCode} does not exist within your scope`)
  if (village.gridUnitId !== point.gridUnitId) {
    throw new BadRequest(`${village.name} is not in the grid unit of ${pointId}: a point is hosted by a village of its own unit`, 'villageCode')
  }
  return withWarnings(knex, [point.townCode], async (trx) => {
    await edits.setServicePointHost(trx, pointId, village)
    await audit(trx, {
      actor: user.username,
      action: 'service_point.host',
      entity: 'service_point',
      entityId: pointId,
      scope: point.townCode,
      details: { from: point.villageCode, to: villageCode },
    })
  })
}
