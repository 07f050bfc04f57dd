import { Router, type Request, type Response } from 'express'
import type { Knex } from 'knex'
import { OgcApiQuery, OgcCollectionParams, OgcDocQuery, OgcFeatureParams, OgcFeatureQuery, OgcItemsQuery } from '../contract/ogc.js'
import { ogcApiDocument } from '../contract/openapi.js'
import { NotAcceptable } from '../errors.js'
import { userWith } from '../http/session.js'
import { parseInput } from '../http/validate.js'
import { collection, collections, conformance, feature, GEOJSON, items, landingPage, OPENAPI_TYPE, type ItemsAnswer } from '../services/ogc.service.js'
import type { VersionedCache } from '../services/versioned.cache.js'

const origin = (req: Request) => `${req.protocol}://${req.get('host')}`

/** Content negotiation: the one JSON encoding the resource has, or 406 (HTML is not offered). */
function negotiate(req: Request, types: string[]): string {
  const type = req.accepts(types)
  if (!type) throw new NotAcceptable(`this resource is available as ${types.join(', ')} only (Accept: ${req.get('accept')?.slice(0, 100)})`)
  return type
}

const sendFeatures = (res: Response, answer: ItemsAnswer) => {
  res.set({ 'Content-Crs': `<${answer.crs}>`, 'Cache-Control': 'private, no-store' })
  res.type(GEOJSON).send(JSON.stringify(answer.body))
}

/** OGC API – Features under /ogc (README "OGC API and tokens"); the guard (session or token) runs before (server/app.ts). */
export function ogcRoutes(knex: Knex, cache: VersionedCache): Router {
  const router = Router()
  router.get('/ogc', (req, res) => {
    userWith(res, 'read')
    parseInput(OgcDocQuery, req.query, 'query')
    negotiate(req, ['application/json'])
    res.json(landingPage(origin(req)))
  })
  router.get('/ogc/conformance', (req, res) => {
    userWith(res, 'read')
    parseInput(OgcDocQuery, req.query, 'query')
    negotiate(req, ['application/json'])
    res.json(conformance())
  })
  router.get('/ogc/api', (req, res) => {
    userWith(res, 'read')
    parseInput(OgcApiQuery, req.query, 'query')
    const type = negotiate(req, [OPENAPI_TYPE, 'application/json'])
    res.type(type).send(JSON.stringify(ogcApiDocument(origin(req))))
  })
  router.get('/ogc/collections', async (req, res) => {
    const user = userWith(res, 'read')
    parseInput(OgcDocQuery, req.query, 'query')
    negotiate(req, ['application/json'])
    res.json(await collections(knex, user, origin(req)))
  })
  router.get('/ogc/collections/:collectionId', async (req, res) => {
    const user = userWith(res, 'read')
    const { collectionId } = parseInput(OgcCollectionParams, req.params, 'path')
    parseInput(OgcDocQuery, req.query, 'query')
    negotiate(req, ['application/json'])
    res.json(await collection(knex, user, collectionId, origin(req)))
  })
  router.get('/ogc/collections/:collectionId/items', async (req, res) => {
    const user = userWith(res, 'read')
    const { collectionId } = parseInput(OgcCollectionParams, req.params, 'path')
    const query = parseInput(OgcItemsQuery, req.query, 'query')
    negotiate(req, [GEOJSON, 'application/json'])
    sendFeatures(res, await items(knex, cache, user, collectionId, query, origin(req)))
  })
  router.get('/ogc/collections/:collectionId/items/:featureId', async (req, res) => {
    const user = userWith(res, 'read')
    const { collectionId, featureId } = parseInput(OgcFeatureParams, req.params, 'path')
    const query = parseInput(OgcFeatureQuery, req.query, 'query')
    negotiate(req, [GEOJSON, 'application/json'])
    sendFeatures(res, await feature(knex, cache, user, collectionId, featureId, query, origin(req)))
  })
  return router
}
