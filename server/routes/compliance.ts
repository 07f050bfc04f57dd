import { Router } from 'express'
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { Permission, SessionUser } from '../auth/roles.js'
import { ComplianceQuery, IdParams, InspectionBody, InspectionPlanQuery, StationRecordsQuery, StationScoreBody, TrainingBody, TrainingRecordsQuery } from '../contract/requests.js'
import { userWith } from '../http/session.js'
import { parseInput } from '../http/validate.js'
import {
  complianceReport,
  inspectionPlan,
  listInspections,
  listScores,
  listTraining,
  recordInspection,
  recordScore,
  recordTraining,
  removeRecord,
} from '../services/compliance.service.js'
import type { RecordKind } from '../repositories/compliance.repository.js'

/** One kind of record: its list (query → answer), its creation (body → the record) and its deletion by id. */
interface RecordRoutes {
  path: string
  kind: RecordKind
  readPermission: Permission
  query: z.ZodObject
  list: (knex: Knex, user: SessionUser, q: Record<string, string | undefined>) => Promise<unknown>
  body: z.ZodType
  create: (knex: Knex, user: SessionUser, body: never) => Promise<unknown>
}

const RECORDS: RecordRoutes[] = [
  { path: 'station-scores', kind: 'score', readPermission: 'read', query: StationRecordsQuery, list: (k, u, q) => listScores(k, u, q.within!, q.quarter), body: StationScoreBody, create: recordScore },
  { path: 'inspections', kind: 'inspection', readPermission: 'read', query: StationRecordsQuery, list: (k, u, q) => listInspections(k, u, q.within!, q.quarter), body: InspectionBody, create: recordInspection },
  {
    path: 'training-records',
    kind: 'training',
    // Workers by name: personal data, for the roles that manage them.
    readPermission: 'training:read',
    query: TrainingRecordsQuery,
    list: (k, u, q) => listTraining(k, u, q.within!, q.year ? Number(q.year) : undefined),
    body: TrainingBody,
    create: recordTraining,
  },
]

/**
 * Supervision compliance (issue 11): the records (station scores, inspections, training),
 * the inspection plan and the compliance report.
 */
export function complianceRoutes(knex: Knex): Router {
  const router = Router()
  router.get('/api/compliance', async (req, res) => {
    const user = userWith(res, 'read')
    const { within, quarter } = parseInput(ComplianceQuery, req.query, 'query')
    res.json(await complianceReport(knex, user, within, quarter))
  })
  router.get('/api/inspection-plan', async (req, res) => {
    const user = userWith(res, 'read')
    const { within, quarter } = parseInput(InspectionPlanQuery, req.query, 'query')
    res.json(await inspectionPlan(knex, user, within, quarter))
  })
  for (const r of RECORDS) {
    router.get(`/api/${r.path}`, async (req, res) => {
      const user = userWith(res, r.readPermission)
      res.json(await r.list(knex, user, parseInput(r.query, req.query, 'query') as Record<string, string | undefined>))
    })
    router.post(`/api/${r.path}`, async (req, res) => {
      const user = userWith(res, 'compliance:manage')
      res.status(201).json(await r.create(knex, user, parseInput(r.body, req.body ?? {}, 'body') as never))
    })
    router.delete(`/api/${r.path}/:id`, async (req, res) => {
      const user = userWith(res, 'compliance:manage')
      const { id } = parseInput(IdParams, req.params, 'path')
      await removeRecord(knex, user, r.kind, id)
      res.status(204).end()
    })
  }
  return router
}
