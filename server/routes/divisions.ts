import { Router } from 'express'
import type { Knex } from 'knex'
import { userWith } from '../http/session.js'
import { ChildrenQuery, CodeParams } from '../contract/requests.js'
import { parseInput } from '../http/validate.js'
import { sendCached } from '../http/cached.js'
import { getChildren, getDivision, getRoots, requireDivision } from '../services/divisions.service.js'
import type { VersionedCache } from '../services/versioned.cache.js'

/**
 * Divisions: the roots, one division with its summary, its children as GeoJSON. A division
 * and its children are answered from the versioned cache after the scope check (their
 * summaries and outlines change only with the data).
 */
export function divisionRoutes(knex: Knex, cache: VersionedCache): Router {
  const router = Router()
  router.get('/api/divisions', async (_req, res) => {
    const user = userWith(res, 'read')
    res.json({ divisions: await getRoots(knex, user.scope) })
  })
  router.get('/api/divisions/:code', async (req, res) => {
    const user = userWith(res, 'read')
    const { code } = parseInput(CodeParams, req.params, 'path')
    await requireDivision(knex, code, user.scope)
    sendCached(req, res, 'division', code, await cache.get(knex, code, `division:${code}`, () => getDivision(knex, code, code)), 'json')
  })
  router.get('/api/divisions/:code/children', async (req, res) => {
    const user = userWith(res, 'read')
    const { code } = parseInput(CodeParams, req.params, 'path')
    const { level } = parseInput(ChildrenQuery, req.query, 'query')
    await requireDivision(knex, code, user.scope)
    const key = `children:${code}:${level ?? ''}`
    sendCached(req, res, 'children', `${code}${level ? `-${level}` : ''}`, await cache.get(knex, code, key, () => getChildren(knex, code, code, level)), 'application/geo+json')
  })
  return router
}
