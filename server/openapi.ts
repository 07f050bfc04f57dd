/**
 * The OpenAPI 3.1 document of the API, built from the zod schemas the contract tests
 * check real responses against (server/http/schemas.ts).
 */
import { z } from 'zod'
import { DIVISION_CODE_PATTERN } from '../geodata/codes.js'
import * as S from './http/schemas.js'
import { PlanParamsSchema } from './routes/plans.js'

type Schema = z.ZodType
const json = (schema: Schema, type = 'application/json') => ({ content: { [type]: { schema: z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) } } })
const problem = (description: string) => ({ description, ...json(S.Problem, 'application/problem+json') })

const codeParam = {
  name: 'code',
  in: 'path',
  required: true,
  description: 'Division code: province 2 digits, city 4, county 6, town 9, village 12 (统计用区划代码)',
  schema: { type: 'string', pattern: DIVISION_CODE_PATTERN },
}
const entityParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9-]{1,40}$' } }
const editResponses = {
  200: { description: 'Done; `warnings` lists the rule violations the edit introduced', ...json(S.EditResult) },
  400: problem('a field is malformed, or the edit crosses a county/town/unit boundary'),
  403: problem('the role may not edit the network'),
  404: problem('no such worker, village, unit or point in your scope'),
}
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }
const withinParam = { ...codeParam, name: 'within', in: 'query', description: 'Only entities in this division (code)' }

const listOp = (summary: string, schema: Schema) => ({
  get: {
    summary,
    parameters: [withinParam],
    responses: {
      200: { description: 'GeoJSON FeatureCollection', ...json(schema, 'application/geo+json') },
      400: problem('within missing or malformed'),
      404: problem('no such division'),
    },
  },
})

/** The API as documented; `paths` keys use OpenAPI `{param}` syntax. */
export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Shuangbai Grid API',
      version: '0.1.0',
      description: 'Grid management and staff allocation for the Guangdong Shuangbai social-work programme.',
    },
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sb_session' } },
    },
    // Every operation needs a session unless it says `security: []`.
    security: [{ session: [] }],
    paths: {
      '/api/health': {
        get: { summary: 'Liveness, database kind, PostGIS version, data version', security: [], responses: { 200: { description: 'OK', ...json(S.Health) } } },
      },
      '/api/openapi.json': {
        get: { summary: 'This document', security: [], responses: { 200: { description: 'OpenAPI 3.1 document' } } },
      },
      '/api/login': {
        post: {
          summary: 'Sign in; sets the httpOnly session cookie sb_session',
          security: [],
          requestBody: { required: true, ...json(S.LoginBody) },
          responses: {
            200: { description: 'Signed in', ...json(S.LoginReply) },
            400: problem('username or password missing'),
            401: problem('wrong username or password'),
            429: problem('too many failed sign-ins; see Retry-After'),
          },
        },
      },
      '/api/logout': {
        post: { summary: 'Sign out (ends the session)', responses: { 204: { description: 'Signed out' }, 401: problem('no session') } },
      },
      '/api/me': {
        get: { summary: 'The signed-in user, or null when signed out', security: [], responses: { 200: { description: 'OK', ...json(S.Me) } } },
      },
      '/api/divisions': {
        get: { summary: 'Top-level divisions (cities)', responses: { 200: { description: 'OK', ...json(S.DivisionList) } } },
      },
      '/api/divisions/{code}': {
        get: {
          summary: 'A division with the number of its children and its summary',
          parameters: [codeParam],
          responses: { 200: { description: 'OK', ...json(S.DivisionDetail) }, 400: problem('malformed code'), 404: problem('no such division') },
        },
      },
      '/api/divisions/{code}/children': {
        get: {
          summary: "A division's children as GeoJSON with their summaries",
          parameters: [codeParam],
          responses: {
            200: { description: 'GeoJSON FeatureCollection', ...json(S.DivisionChildren, 'application/geo+json') },
            400: problem('malformed code'),
            404: problem('no such division'),
          },
        },
      },
      '/api/villages': listOp('Villages with population, special groups, grid unit and service point', S.Villages),
      '/api/stations': listOp('Stations with their posts and grid units', S.Stations),
      '/api/grid-units': listOp('Grid units with their villages (geometry: their union)', S.GridUnits),
      '/api/service-points': listOp('Service points with their workers count', S.ServicePoints),
      '/api/workers': listOp('Workers with their posts (geometry: home)', S.Workers),
      '/api/supervisors': listOp('Supervisors and their stations (geometry: base)', S.Supervisors),
      '/api/coverage': {
        get: {
          summary: 'Coverage gaps: every village (GeoJSON) with its status, town/county/scope summaries, rule violations',
          parameters: [
            withinParam,
            { name: 'distanceKm', in: 'query', schema: { type: 'number', default: 5, exclusiveMinimum: 0, maximum: 200 }, description: 'Villages farther than this from their service point are "far"' },
            { name: 'overloadFactor', in: 'query', schema: { type: 'number', default: 1.3, minimum: 1, maximum: 10 }, description: 'Grid units above this multiple of the median demand per worker are "overloaded"' },
            { name: 'geometry', in: 'query', schema: { type: 'string', enum: ['true', 'false'], default: 'true' }, description: 'false: villages without polygons' },
          ],
          responses: { 200: { description: 'OK', ...json(S.Coverage) }, 400: problem('a parameter is malformed'), 404: problem('no such division in your scope') },
        },
      },
      '/api/plans': {
        post: {
          summary: 'Create a plan (kind staff | supervisors) and start the job that computes it',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['kind', 'within'],
                  additionalProperties: false,
                  properties: {
                    kind: { type: 'string', enum: ['staff', 'grids', 'supervisors'] },
                    within: { type: 'string', description: 'county or city code' },
                    params: z.toJSONSchema(PlanParamsSchema, { io: 'input' }),
                  },
                },
              },
            },
          },
          responses: {
            202: { description: 'Plan created; poll GET /api/jobs/{jobId}', ...json(S.PlanCreated) },
            400: problem('a field is malformed or unknown; `field` names it'),
            403: problem('the role may not draft plans'),
            404: problem('no such division in your scope'),
          },
        },
        get: {
          summary: 'Plan history within a division (newest first)',
          parameters: [withinParam],
          responses: { 200: { description: 'OK', ...json(S.PlanList) }, 400: problem('within missing or malformed'), 404: problem('no such division in your scope') },
        },
      },
      '/api/plans/{id}': {
        get: {
          summary: 'A plan: params, verified solver result, diff, coverage before/after',
          parameters: [idParam],
          responses: { 200: { description: 'OK', ...json(S.Plan) }, 400: problem('malformed id'), 404: problem('no such plan in your scope') },
        },
      },
      '/api/plans/{id}/apply': {
        post: {
          summary: 'Apply a draft plan in one transaction (roles bureau, admin)',
          parameters: [idParam],
          responses: {
            200: { description: 'The applied plan', ...json(S.Plan) },
            403: problem('the role may not apply plans'),
            404: problem('no such plan in your scope'),
            409: problem('the plan is not a draft, or the data in its scope changed since it was computed (changedTables)'),
          },
        },
      },
      '/api/plans/{id}/discard': {
        post: {
          summary: 'Discard a draft or failed plan',
          parameters: [idParam],
          responses: { 200: { description: 'The discarded plan', ...json(S.Plan) }, 404: problem('no such plan in your scope'), 409: problem('the plan is not a draft') },
        },
      },
      '/api/plans/{id}/revert': {
        post: {
          summary: 'A new draft plan restoring the state from before an applied plan',
          parameters: [idParam],
          responses: { 201: { description: 'The revert plan (a draft)', ...json(S.Plan) }, 404: problem('no such plan in your scope'), 409: problem('the plan is not applied') },
        },
      },
      '/api/jobs/{id}': {
        get: {
          summary: 'Progress and outcome of a job',
          parameters: [idParam],
          responses: { 200: { description: 'OK', ...json(S.Job) }, 400: problem('malformed id'), 404: problem('no such job in your scope') },
        },
      },
      '/api/workers/{id}/move': {
        post: {
          summary: 'Post a worker to a station (administrative) or a service point of the same county',
          parameters: [entityParam],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['to'], additionalProperties: false, properties: { to: { type: 'string', description: 'station or service point id' } } } } } },
          responses: editResponses,
        },
      },
      '/api/villages/{code}/grid-unit': {
        put: {
          summary: "Set a village's grid unit (a unit of its town), or none",
          parameters: [codeParam],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['gridUnitId'], additionalProperties: false, properties: { gridUnitId: { type: ['string', 'null'] } } } } } },
          responses: editResponses,
        },
      },
      '/api/service-points/{id}/host': {
        put: {
          summary: 'Move a service point to another host village of its grid unit',
          parameters: [entityParam],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['villageCode'], additionalProperties: false, properties: { villageCode: { type: 'string' } } } } } },
          responses: editResponses,
        },
      },
      '/api/rules/check': {
        get: {
          summary: 'Programme-rule violations within a division',
          parameters: [withinParam],
          responses: { 200: { description: 'OK', ...json(S.RuleCheck) }, 400: problem('within missing or malformed'), 404: problem('no such division') },
        },
      },
    },
  }
}
