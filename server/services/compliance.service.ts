/**
 * Supervision compliance (issue 11): the bureau's records (station scores, inspections by the
 * city supervision group, training), the inspection plan of a quarter and the compliance
 * report. Scope: every record belongs to a station or worker of the caller's scope (anything
 * else is a 404, as if absent); writes are audited in the transaction that makes them.
 */
import type { Knex } from 'knex'
import type { z } from 'zod'
import { levelOfCode } from '../../geodata/codes.js'
import { QUARTERLY_INSPECTION_SHARE, SUPERVISION_VISITS, SUPERVISOR_STATIONS, TRAINING_HOURS, YELLOW_CARD } from '../../solver/policy.js'
import { previousQuarter, quarterMonths, quarterOfDate, quartersEndingAt, shanghaiDate, yearOfQuarter } from '../../solver/quarters.js'
import { can, type SessionUser } from '../auth/roles.js'
import type { InspectionBody, StationScoreBody, TrainingBody } from '../contract/requests.js'
import type { ComplianceReport, InspectionPlan } from '../contract/responses.js'
import { BadRequest, Conflict, NotFound } from '../errors.js'
import { audit } from '../repositories/audit.repository.js'
import { findWorker } from '../repositories/edits.repository.js'
import {
  deleteRecord,
  findStation,
  insertInspection,
  insertScore,
  insertTraining,
  inspectionsIn,
  latestScoresBefore,
  scoresIn,
  stationsIn,
  longestVisitHours,
  supervisorLoads,
  trainingIn,
  trainingTotals,
  type RecordKind,
} from '../repositories/compliance.repository.js'
import { hasYellowCard, inspectionShare, INSPECTION_REASON_TEXT, planInspections, trainingStatus } from './compliance.js'
import { requireDivision } from './divisions.service.js'

/** Quarters of history the report shows (the report's quarter and the three before). */
export const REPORT_QUARTERS = 4

const ruleRef = (r: { source: string; text: { zh: string; en: string } }) => ({ source: r.source, text: r.text })

/** A date of a record: not after today in Asia/Shanghai (records are of what happened). */
function notInFuture(date: string, now: Date): void {
  const today = shanghaiDate(now)
  if (date > today) throw new BadRequest(`body parameter date: ${date} is in the future (today is ${today} in Asia/Shanghai)`, 'date', { in: 'body' })
}

export async function listScores(knex: Knex, user: SessionUser, within: string, quarter?: string) {
  await requireDivision(knex, within, user.scope)
  return { within, quarter: quarter ?? null, scores: await scoresIn(knex, within, quarter ? [quarter] : undefined) }
}

export async function listInspections(knex: Knex, user: SessionUser, within: string, quarter?: string) {
  await requireDivision(knex, within, user.scope)
  return { within, quarter: quarter ?? null, inspections: await inspectionsIn(knex, within, quarter ? [quarter] : undefined) }
}

export async function listTraining(knex: Knex, user: SessionUser, within: string, year?: number) {
  await requireDivision(knex, within, user.scope)
  return { within, year: year ?? null, records: await trainingIn(knex, within, year) }
}

/** Records a station's quarterly score; a second score of the same station and quarter is a 409 naming `quarter`. */
export async function recordScore(knex: Knex, user: SessionUser, body: z.infer<typeof StationScoreBody>, now = new Date()) {
  const station = await findStation(knex, body.stationId, user.scope)
  if (!station) throw new NotFound(`station ${body.stationId} does not exist within your scope`)
  notInFuture(body.date, now)
  if (quarterOfDate(body.date) < body.quarter) {
    throw new BadRequest(`body parameter date: a score of ${body.quarter} is given in that quarter or after it, not on ${body.date}`, 'date', { in: 'body' })
  }
  return knex.transaction(async (trx) => {
    const row = await insertScore(trx, { ...body, recordedBy: user.username })
    if (!row) throw new Conflict(`${station.name} already has a score for ${body.quarter}; delete it first to correct it`, { field: 'quarter' })
    await audit(trx, { actor: user.username, action: 'station_score.record', entity: 'station', entityId: station.id, scope: station.townCode, details: { quarter: body.quarter, score: body.score, inspector: body.inspector, date: body.date, recordId: row.id } })
    return row
  })
}

/** Records an inspection of the city supervision group; `quarter`, when given, must be the date's (400 naming it). */
export async function recordInspection(knex: Knex, user: SessionUser, body: z.infer<typeof InspectionBody>, now = new Date()) {
  const station = await findStation(knex, body.stationId, user.scope)
  if (!station) throw new NotFound(`station ${body.stationId} does not exist within your scope`)
  notInFuture(body.date, now)
  const quarter = quarterOfDate(body.date)
  if (body.quarter !== undefined && body.quarter !== quarter) {
    throw new BadRequest(`body parameter quarter: ${body.date} lies in ${quarter}, not ${body.quarter}`, 'quarter', { in: 'body' })
  }
  return knex.transaction(async (trx) => {
    const row = await insertInspection(trx, { stationId: station.id, date: body.date, quarter, inspector: body.inspector, findings: body.findings, recordedBy: user.username })
    await audit(trx, { actor: user.username, action: 'inspection.record', entity: 'station', entityId: station.id, scope: station.townCode, details: { quarter, date: body.date, inspector: body.inspector, recordId: row.id } })
    return row
  })
}

/** Records hours of a worker's training. */
export async function recordTraining(knex: Knex, user: SessionUser, body: z.infer<typeof TrainingBody>, now = new Date()) {
  const worker = await findWorker(knex, body.workerId, user.scope)
  if (!worker) throw new NotFound(`worker ${body.workerId} does not exist within your scope`)
  notInFuture(body.date, now)
  return knex.transaction(async (trx) => {
    const row = await insertTraining(trx, { ...body, recordedBy: user.username })
    await audit(trx, { actor: user.username, action: 'training.record', entity: 'worker', entityId: worker.id, scope: worker.townCode, details: { date: body.date, kind: body.kind, hours: body.hours, course: body.course, recordId: row.id } })
    return row
  })
}

const RECORD_NAMES: Record<RecordKind, string> = { score: 'station score', inspection: 'inspection', training: 'training record' }

/** Deletes a record of the caller's scope (a correction); audited with what it held. */
export async function removeRecord(knex: Knex, user: SessionUser, kind: RecordKind, id: string): Promise<void> {
  await knex.transaction(async (trx) => {
    const row = await deleteRecord(trx, kind, id, user.scope)
    if (!row) throw new NotFound(`${RECORD_NAMES[kind]} ${id} does not exist within your scope`)
    const owner = String(kind === 'training' ? row.worker_id : row.station_id)
    const town = kind === 'training'
      ? ((await trx('workers as w').join('stations as s', 's.id', 'w.station_id').where('w.id', owner).first('s.town_code as t')) as { t: string }).t
      : ((await trx('stations').where({ id: owner }).first('town_code as t')) as { t: string }).t
    const action = kind === 'score' ? 'station_score.delete' : kind === 'inspection' ? 'inspection.delete' : 'training.delete'
    await audit(trx, { actor: user.username, action, entity: kind === 'training' ? 'worker' : 'station', entityId: owner, scope: town, details: { recordId: id, record: row } })
  })
}

/**
 * The inspection plan of `quarter` for a city or county: planInspections (compliance.ts) on
 * the scope's stations, with what it knows of each and its reasons in words.
 */
export async function inspectionPlan(knex: Knex, user: SessionUser, within: string, quarter: string): Promise<z.infer<typeof InspectionPlan>> {
  const level = levelOfCode(within)
  if (level !== 'city' && level !== 'county') throw new BadRequest(`query parameter within: the city group plans a city or a county; ${within} is a ${level}`, 'within', { in: 'query' })
  const division = await requireDivision(knex, within, user.scope)
  const last = previousQuarter(quarter)
  const [stations, latest, inspections, lastScores] = [
    await stationsIn(knex, within),
    await latestScoresBefore(knex, within, quarter),
    await inspectionsIn(knex, within, [quarter, last]),
    await scoresIn(knex, within, [last, previousQuarter(last)]),
  ]
  const inspected = (q: string) => new Set(inspections.filter((i) => i.quarter === q).map((i) => i.stationId))
  const [thisQ, lastQ] = [inspected(quarter), inspected(last)]
  const scoreMaps = scoreMapsByStation(lastScores)
  const facts = stations.map((s) => ({
    id: s.id,
    countyCode: s.countyCode,
    inspectedThisQuarter: thisQ.has(s.id),
    inspectedLastQuarter: lastQ.has(s.id),
    lastScore: latest.get(s.id)?.score ?? null,
    yellowCard: hasYellowCard(scoreMaps.get(s.id) ?? new Map(), last),
  }))
  const result = planInspections(facts)
  const byId = new Map(stations.map((s) => [s.id, s]))
  const factOf = new Map(facts.map((f) => [f.id, f]))
  const counties = [...new Map(stations.map((s) => [s.countyCode, s.countyName]))].sort(([a], [b]) => (a < b ? -1 : 1))
  return {
    within,
    name: division.name,
    quarter,
    previousQuarter: last,
    rule: { ...ruleRef(QUARTERLY_INSPECTION_SHARE), share: QUARTERLY_INSPECTION_SHARE.value },
    stations: result.stations,
    required: result.required,
    selected: result.selected,
    counties: counties.map(([code, name]) => ({
      code,
      name,
      stations: stations.filter((s) => s.countyCode === code).length,
      selected: result.plan.filter((p) => p.selected && byId.get(p.id)!.countyCode === code).length,
    })),
    plan: result.plan.map((p) => {
      const s = byId.get(p.id)!
      const f = factOf.get(p.id)!
      return {
        rank: p.rank,
        stationId: s.id,
        stationName: s.name,
        townCode: s.townCode,
        countyCode: s.countyCode,
        countyName: s.countyName,
        selected: p.selected,
        inspectedThisQuarter: f.inspectedThisQuarter,
        inspectedLastQuarter: f.inspectedLastQuarter,
        lastScore: latest.get(s.id) ?? null,
        yellowCard: f.yellowCard,
        reasons: p.reasons.map((code) => ({ code, ...INSPECTION_REASON_TEXT[code] })),
      }
    }),
  }
}

function scoreMapsByStation(rows: Array<{ stationId: string; quarter: string; score: number }>): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>()
  for (const r of rows) {
    if (!out.has(r.stationId)) out.set(r.stationId, new Map())
    out.get(r.stationId)!.set(r.quarter, r.score)
  }
  return out
}

/**
 * The compliance report of a division for a quarter (README "Compliance report"). Quarters and
 * years are Asia/Shanghai calendar ones; the training year is the quarter's.
 */
export async function complianceReport(knex: Knex, user: SessionUser, within: string, quarter: string, now = new Date()): Promise<z.infer<typeof ComplianceReport>> {
  const division = await requireDivision(knex, within, user.scope)
  const quarters = quartersEndingAt(quarter, REPORT_QUARTERS)
  const months = quarterMonths(quarter)
  const year = yearOfQuarter(quarter)
  const stations = await stationsIn(knex, within)
  // One more quarter of scores than shown: the first shown quarter's card needs the one before it.
  const scores = await scoresIn(knex, within, [previousQuarter(quarters[0]), ...quarters])
  const inspections = await inspectionsIn(knex, within, quarters)
  const supervisors = await supervisorLoads(knex, within)
  const totals = await trainingTotals(knex, within, year)

  // Visits: a station missed a month when no visit of ≥ 16 h is recorded as done in it.
  const missed = []
  for (const month of months) {
    const hours = await longestVisitHours(knex, within, month)
    for (const s of stations) {
      const h = hours.get(s.id) ?? 0
      if (h < SUPERVISION_VISITS.value.hoursPerVisit) missed.push({ stationId: s.id, stationName: s.name, townCode: s.townCode, month, longestVisitHours: h })
    }
  }

  const { min, max } = SUPERVISOR_STATIONS.value
  const inspectedIn = (q: string, ids?: Set<string>) => new Set(inspections.filter((i) => i.quarter === q && (!ids || ids.has(i.stationId))).map((i) => i.stationId)).size
  const counties = [...new Map(stations.map((s) => [s.countyCode, s.countyName]))].sort(([a], [b]) => (a < b ? -1 : 1))

  const scoreMaps = scoreMapsByStation(scores)
  const scoreRows = stations.map((s) => {
    const map = scoreMaps.get(s.id) ?? new Map<string, number>()
    const series = quarters.map((q) => ({ quarter: q, score: map.get(q) ?? null, yellowCard: hasYellowCard(map, q) }))
    return { stationId: s.id, stationName: s.name, townCode: s.townCode, scores: series, yellowCard: series[series.length - 1].yellowCard }
  })

  const restricted = !can(user.role, 'training:read')
  const gaps = totals
    .map((w) => ({ ...w, ...trainingStatus(w.preJobHours, w.professionalHours) }))
    .filter((w) => w.preJobShort > 0 || w.professionalShort > 0)
  return {
    within,
    name: division.name,
    quarter,
    months,
    quarters,
    visits: {
      rule: ruleRef(SUPERVISION_VISITS),
      available: true,
      note: null,
      missed,
    },
    supervisors: {
      rule: { ...ruleRef(SUPERVISOR_STATIONS), min, max },
      outside: supervisors.filter((v) => v.stations < min || v.stations > max).map((v) => ({ supervisorId: v.id, name: v.name, countyCode: v.countyCode, stations: v.stations })),
    },
    inspections: {
      rule: { ...ruleRef(QUARTERLY_INSPECTION_SHARE), share: QUARTERLY_INSPECTION_SHARE.value },
      quarters: quarters.map((q) => ({ quarter: q, ...inspectionShare(stations.length, inspectedIn(q)) })),
      counties: counties.map(([code, name]) => {
        const ids = new Set(stations.filter((s) => s.countyCode === code).map((s) => s.id))
        return { code, name, ...inspectionShare(ids.size, inspectedIn(quarter, ids)) }
      }),
    },
    scores: {
      rule: { ...ruleRef(YELLOW_CARD), ...YELLOW_CARD.value },
      yellowCards: scoreRows.filter((r) => r.yellowCard).length,
      stations: scoreRows,
    },
    training: {
      rule: { ...ruleRef(TRAINING_HOURS), ...TRAINING_HOURS.value },
      year,
      yearComplete: shanghaiDate(now) >= `${year + 1}-01-01`,
      workers: totals.length,
      preJobShort: gaps.filter((g) => g.preJobShort > 0).length,
      professionalShort: gaps.filter((g) => g.professionalShort > 0).length,
      restricted,
      gaps: restricted
        ? []
        : gaps.map((g) => ({
            workerId: g.workerId,
            workerName: g.workerName,
            stationId: g.stationId,
            stationName: g.stationName,
            townCode: g.townCode,
            preJobHours: g.preJobHours,
            professionalHours: g.professionalHours,
            preJobShort: g.preJobShort,
            professionalShort: g.professionalShort,
          })),
    },
  }
}
