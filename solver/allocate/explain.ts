/**
 * Why a county's staffing cannot meet the programme's rules, in domain words (zh and en),
 * found before any solver runs.
 */
import { STATION_ADMIN_POSTS_MIN, TOWN_SERVICE_POSTS_PER_VILLAGE, VILLAGE_COVERAGE } from '../policy.js'
import type { Infeasibility } from '../types.js'
import { ruleNeed, type CountyData } from './county.js'

/** Every rule the county's input breaks whatever the allocation; empty when a plan exists. */
export function explainCounty(county: CountyData): Infeasibility[] {
  const out: Infeasibility[] = []
  const admin = STATION_ADMIN_POSTS_MIN.value
  for (const t of county.towns) {
    if (t.uncovered.length > 0) {
      const list = t.uncovered.slice(0, 5).join('、')
      const more = t.uncovered.length > 5 ? ` …` : ''
      out.push({
        rule: 'VILLAGE_COVERAGE',
        source: VILLAGE_COVERAGE.source,
        code: t.code,
        name: t.name,
        numbers: { uncoveredVillages: t.uncovered.length, villages: t.villageCount },
        message: {
          zh: `${t.name}有${t.uncovered.length}个村(居)未划入任何社工点（${list}${more}）：${VILLAGE_COVERAGE.text.zh}`,
          en: `${t.name} has ${t.uncovered.length} villages not covered by any service point (${list}${more}): ${VILLAGE_COVERAGE.text.en}`,
        },
      })
    }
  }
  if (out.length > 0) return out
  // Towns recruit what the rules need and release what the budget cannot fund, so only a
  // budget below the rules' minimum cannot be planned.
  const needs = county.towns.map((t) => ruleNeed(t))
  const required = needs.reduce((s, x) => s + x, 0)
  if (required > county.budget) {
    const short = county.towns
      .map((t, i) => ({ t, need: needs[i] }))
      .filter((x) => x.need > x.t.today)
      .slice(0, 5)
    const zhShort = short.map((x) => `${x.t.name}需${x.need}人、现有${x.t.today}人`).join('；')
    const enShort = short.map((x) => `${x.t.name} needs ${x.need}, has ${x.t.today}`).join('; ')
    out.push({
      rule: 'TOWN_SERVICE_POSTS_PER_VILLAGE',
      source: sources(TOWN_SERVICE_POSTS_PER_VILLAGE.source, STATION_ADMIN_POSTS_MIN.source),
      code: county.code,
      name: county.name,
      numbers: { required, budget: county.budget, towns: county.towns.length },
      message: {
        zh: `${county.name}各乡镇按规则至少需要${required}名社工（每站事务性岗位${admin}人，服务性岗位不少于村(居)数且每个社工点至少1人），但预算只有${county.budget}人${zhShort ? `（${zhShort}）` : ''}`,
        en: `the towns of ${county.name} need at least ${required} workers (${admin} administrative posts per station, service posts at least the villages and at least one per service point), but the budget is ${county.budget}${enShort ? ` (${enShort})` : ''}`,
      },
    })
  }
  return out
}

function sources(...list: string[]): string {
  return [...new Set(list)].join('; ')
}
