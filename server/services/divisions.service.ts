/** Use cases on divisions: one division with its summary, and its children as GeoJSON. */
import type { Knex } from 'knex'
import type { Feature, FeatureCollection, MultiPolygon } from 'geojson'
import { BadRequest, NotFound } from '../errors.js'
import {
  descendantsWithGeometry,
  countChildren,
  emptySummary,
  findDivision,
  listRoots,
  summariesByKey,
  type DivisionRow,
  type DivisionSummary,
} from '../repositories/divisions.repository.js'
import { CODE_LENGTH, DIVISION_LEVELS, childLevel as childLevelOf, levelOf, type DivisionLevel } from '../../geodata/codes.js'
import { inParallel } from '../repositories/parallel.js'

export interface DivisionDetail extends DivisionRow {
  childLevel: string | null
  children: number
  summary: DivisionSummary
}

/** The division with the number of its children and its summary; 404 when unknown. */
export async function getDivision(knex: Knex, code: string, scope: string): Promise<DivisionDetail> {
  const division = await requireDivision(knex, code, scope)
  const [children, summaries] = await inParallel(knex, [() => countChildren(knex, code), () => summariesByKey(knex, code, division.level)])
  return {
    ...division,
    childLevel: childLevelOf(division.level),
    children,
    summary: summaries.get(code) ?? emptySummary(),
  }
}

/**
 * The division's children (or its divisions of `level`, e.g. the towns of a city) as a
 * FeatureCollection; properties carry each one's summary. 400 when `level` is not below
 * the division's.
 */
export async function getChildren(knex: Knex, code: string, scope: string, level?: DivisionLevel): Promise<FeatureCollection<MultiPolygon>> {
  const division = await requireDivision(knex, code, scope)
  const childLevel = level ?? childLevelOf(division.level)
  if (level && CODE_LENGTH[level] <= CODE_LENGTH[division.level]) {
    throw new BadRequest(`level must be below the ${division.level} ${code}: ${DIVISION_LEVELS.filter((l) => CODE_LENGTH[l] > CODE_LENGTH[division.level]).join(', ') || 'none'}`, 'level')
  }
  if (!childLevel) return { type: 'FeatureCollection', features: [] }
  const [children, summaries] = await inParallel(knex, [
    () => descendantsWithGeometry(knex, code, childLevel),
    () => summariesByKey(knex, code, childLevel),
  ])
  return {
    type: 'FeatureCollection',
    features: children.map(
      (c): Feature<MultiPolygon> => ({
        type: 'Feature',
        id: c.code,
        geometry: c.geometry,
        properties: {
          code: c.code,
          name: c.name,
          level: c.level,
          parentCode: c.parentCode,
          ...(summaries.get(c.code) ?? emptySummary()),
          population: c.population,
        },
      }),
    ),
  }
}

/** The top divisions the scope sees (the scope's own division; the provinces for the nation). */
export async function getRoots(knex: Knex, scope: string): Promise<DivisionRow[]> {
  return listRoots(knex, scope)
}

/**
 * The division, if it exists within the scope (a code prefix); otherwise a 404 that
 * does not tell whether it exists elsewhere.
 */
export async function requireDivision(knex: Knex, code: string, scope: string): Promise<DivisionRow> {
  const division = await findDivision(knex, code, scope)
  if (!division) throw new NotFound(`division ${code} does not exist${scopeNote(scope)}`, `区划 ${code} 不存在${scopeNoteZh(scope)}`)
  return division
}

/** ' within your scope <scope>' for a 404's detail, unless the scope is a province or the nation (it says nothing new). */
/** scopeNote in Chinese. */
export function scopeNoteZh(scope: string): string {
  const level = levelOf(scope)
  return level === 'nation' || level === 'province' ? '' : `，或不在您的权限范围 ${scope} 内`
}

export function scopeNote(scope: string): string {
  const level = levelOf(scope)
  return level === 'nation' || level === 'province' ? '' : ` within your scope ${scope}`
}
