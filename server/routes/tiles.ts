import { Router } from 'express'
import type { Knex } from 'knex'
import { TileJsonParams, TileJsonQuery, TileParams, TileQuery } from '../contract/requests.js'
import { userWith } from '../http/session.js'
import { parseInput } from '../http/validate.js'
import { getTile, tileAddress, tileJson, tileScope, type TileEncoder } from '../services/tiles.service.js'

/** Vector tiles and TileJSON (README "Vector tiles"); the session guard runs before (server/app.ts). */
export function tileRoutes(knex: Knex, encoder: TileEncoder): Router {
  const router = Router()
  router.get('/tiles/:layer/:z/:x/:y.mvt', async (req, res) => {
    const user = userWith(res, 'read')
    const params = parseInput(TileParams, req.params, 'path')
    const query = parseInput(TileQuery, req.query, 'query')
    const answer = await getTile(knex, encoder, {
      layer: params.layer,
      tile: tileAddress(params),
      scope: tileScope(user, query.scope),
      scopeInUrl: query.scope !== undefined,
      v: query.v === undefined ? undefined : Number(query.v),
      ifNoneMatch: req.get('if-none-match'),
    })
    res.set({ ETag: answer.etag, 'Cache-Control': answer.cacheControl })
    if (answer.status !== 200) return res.status(answer.status).end()
    res.type('application/vnd.mapbox-vector-tile').send(answer.body)
  })
  router.get('/tiles/:layer.json', async (req, res) => {
    const user = userWith(res, 'read')
    const { layer } = parseInput(TileJsonParams, req.params, 'path')
    const query = parseInput(TileJsonQuery, req.query, 'query')
    const doc = await tileJson(knex, layer, tileScope(user, query.scope), `${req.protocol}://${req.get('host')}`)
    res.set('Cache-Control', 'private, no-cache').json(doc)
  })
  return router
}
