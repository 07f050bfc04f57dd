import { Router } from 'express'
import type { Database } from '../db/connection.js'
import { dataVersion, postgisVersion } from '../repositories/meta.repository.js'

/** GET /api/health: liveness plus which database answers and the data version. */
export function healthRoutes(db: Database): Router {
  const router = Router()
  router.get('/api/health', async (_req, res) => {
    const [postgis, version] = await Promise.all([postgisVersion(db.knex), dataVersion(db.knex)])
    res.json({ status: 'ok', database: db.kind, postgis, dataVersion: version })
  })
  return router
}
