/**
 * Checks the programme rules (solver/policy.ts) against the facts of a scope and
 * explains each violation with its numbers, in Chinese and English. Pure: no I/O.
 */
import {
  POINT_STAFFED,
  STATION_ADMIN_POSTS_MIN,
  STATION_GRID_UNITS,
  SUPERVISOR_STATIONS,
  SUPERVISION_VISITS,
  TOWN_SERVICE_POSTS_PER_VILLAGE,
  VILLAGE_COVERAGE,
} from '../../solver/policy.js'
import type { RuleFacts } from '../repositories/rules.repository.js'

export const RULE_IDS = [
  'station_admin_min',
  'town_service_posts_min',
  'village_uncovered',
  'point_unstaffed',
  'station_grid_units_range',
  'supervisor_stations_range',
  'station_unsupervised',
] as const
export type RuleId = (typeof RULE_IDS)[number]

export interface RuleViolation {
  rule: RuleId
  /** The division code, or the station / service point / supervisor id concerned. */
  code: string
  /** The programme document the rule comes from. */
  source: string
  message: { zh: string; en: string }
  /** The town concerned, when `code` is a station, service point or village. */
  townCode?: string
  [numbers: string]: unknown
}

/** Every rule violation in the facts, in a stable order (rule, then code). */
export function evaluateRules(facts: RuleFacts): RuleViolation[] {
  const out: RuleViolation[] = []
  const adminMin = STATION_ADMIN_POSTS_MIN.value
  const units = STATION_GRID_UNITS.value
  for (const s of facts.stations) {
    if (s.adminPosts < adminMin) {
      out.push({
        rule: 'station_admin_min',
        code: s.id,
        townCode: s.townCode,
        adminPosts: s.adminPosts,
        min: adminMin,
        source: STATION_ADMIN_POSTS_MIN.source,
        message: {
          zh: `${s.name}事务性岗位${s.adminPosts}人，少于规定的${adminMin}人`,
          en: `${s.name} has ${s.adminPosts} administrative posts, fewer than the required ${adminMin}`,
        },
      })
    }
    if (s.gridUnits < units.min || s.gridUnits > units.max) {
      out.push({
        rule: 'station_grid_units_range',
        code: s.id,
        townCode: s.townCode,
        gridUnits: s.gridUnits,
        min: units.min,
        max: units.max,
        source: STATION_GRID_UNITS.source,
        message: {
          zh: `${s.name}设有${s.gridUnits}个网格单元，应为${units.min}至${units.max}个`,
          en: `${s.name} has ${s.gridUnits} grid units; it should have ${units.min} to ${units.max}`,
        },
      })
    }
    if (!s.supervisorId) {
      out.push({
        rule: 'station_unsupervised',
        code: s.id,
        townCode: s.townCode,
        source: SUPERVISION_VISITS.source,
        message: {
          zh: `${s.name}没有督导，无法保证每月至少${SUPERVISION_VISITS.value.perStationPerMonth}次督导`,
          en: `${s.name} has no supervisor, so its monthly supervision visit cannot happen`,
        },
      })
    }
  }
  for (const t of facts.towns) {
    const required = t.villages * TOWN_SERVICE_POSTS_PER_VILLAGE.value
    if (t.servicePosts < required) {
      out.push({
        rule: 'town_service_posts_min',
        code: t.code,
        villages: t.villages,
        servicePosts: t.servicePosts,
        min: required,
        source: TOWN_SERVICE_POSTS_PER_VILLAGE.source,
        message: {
          zh: `${t.name}有${t.villages}个村(居)，服务性岗位只有${t.servicePosts}个`,
          en: `${t.name} has ${t.villages} villages but only ${t.servicePosts} service posts`,
        },
      })
    }
  }
  for (const v of facts.villages) {
    const reason = v.gridUnitId ? 'no_service_point' : 'no_grid_unit'
    out.push({
      rule: 'village_uncovered',
      code: v.code,
      townCode: v.townCode,
      reason,
      gridUnitId: v.gridUnitId,
      source: VILLAGE_COVERAGE.source,
      message:
        reason === 'no_grid_unit'
          ? { zh: `${v.name}未划入任何网格单元`, en: `${v.name} is in no grid unit` }
          : { zh: `${v.name}所在网格单元没有社工点`, en: `${v.name}'s grid unit has no service point` },
    })
  }
  for (const p of facts.points) {
    if (p.workers < POINT_STAFFED.value) {
      out.push({
        rule: 'point_unstaffed',
        code: p.id,
        townCode: p.townCode,
        gridUnitId: p.gridUnitId,
        workers: p.workers,
        source: POINT_STAFFED.source,
        message: { zh: `${p.name}没有社工`, en: `${p.name} has no worker` },
      })
    }
  }
  const sup = SUPERVISOR_STATIONS.value
  for (const s of facts.supervisors) {
    if (s.stations < sup.min || s.stations > sup.max) {
      out.push({
        rule: 'supervisor_stations_range',
        code: s.id,
        stations: s.stations,
        min: sup.min,
        max: sup.max,
        source: SUPERVISOR_STATIONS.source,
        message: {
          zh: `督导${s.name}负责${s.stations}个社工站，应为${sup.min}至${sup.max}个`,
          en: `supervisor ${s.name} covers ${s.stations} stations; it should be ${sup.min} to ${sup.max}`,
        },
      })
    }
  }
  const order = new Map(RULE_IDS.map((r, i) => [r, i]))
  return out.sort((a, b) => order.get(a.rule)! - order.get(b.rule)! || a.code.localeCompare(b.code))
}
