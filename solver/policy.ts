/**
 * The Shuangbai programme's rules, as named constants with their source.
 * Every check (server/services/rules.service.ts) and every solver model reads them from
 * here, so a rule change is one edit. Sources are the two documents in shared/seeds/:
 * the Shaoguan implementation plan (韶关市“双百工程”实施方案) and the Dongguan
 * station-management rules (东莞市社工站管理办法摘要).
 */

/** The seven special groups (兜底对象/特殊群体) counted per village. DESIGN.md §2. */
export const SPECIAL_GROUPS = [
  'dibao',
  'tekun',
  'disabled',
  'children_in_difficulty',
  'left_behind_children',
  'elderly_in_difficulty',
  'left_behind_women',
] as const
export type SpecialGroup = (typeof SPECIAL_GROUPS)[number]
export type SpecialGroupCounts = Record<SpecialGroup, number>

/** Chinese and English names of the special groups, for user-facing text. */
export const SPECIAL_GROUP_NAMES: Record<SpecialGroup, { zh: string; en: string }> = {
  dibao: { zh: '低保对象', en: 'subsistence allowance recipients' },
  tekun: { zh: '特困人员', en: 'persons in extreme poverty' },
  disabled: { zh: '残疾人', en: 'persons with disabilities' },
  children_in_difficulty: { zh: '困境儿童', en: 'children in difficulty' },
  left_behind_children: { zh: '留守儿童', en: 'left-behind children' },
  elderly_in_difficulty: { zh: '特殊困难老年人', en: 'elderly in special difficulty' },
  left_behind_women: { zh: '留守妇女', en: 'left-behind women' },
}

/** A rule's value and where it comes from. */
export interface Rule<T> {
  readonly value: T
  readonly source: string
  readonly text: { readonly zh: string; readonly en: string }
}

/** Administrative (事务性) posts at each station: at least 2. Shaoguan plan §2(2). */
export const STATION_ADMIN_POSTS_MIN: Rule<number> = {
  value: 2,
  source: 'Shaoguan plan §2(2)',
  text: { zh: '每个社工站事务性岗位不少于2人', en: 'each station has at least 2 administrative posts' },
}

/**
 * Service (服务性) posts in a town (summed over its service points): at least one per
 * village of the town. Shaoguan plan §2(2).
 */
export const TOWN_SERVICE_POSTS_PER_VILLAGE: Rule<number> = {
  value: 1,
  source: 'Shaoguan plan §2(2)',
  text: { zh: '乡镇服务性岗位数不少于所辖村(居)数', en: "a town's service posts are at least its number of villages" },
}

/** Every village is covered by a service point ("不漏一户一人"). Shaoguan plan §2(1), §2(4). */
export const VILLAGE_COVERAGE: Rule<number> = {
  value: 1,
  source: 'Shaoguan plan §2(1), §2(4)',
  text: { zh: '每个村(居)都由社工点覆盖，不漏一户一人', en: 'every village is covered by a service point' },
}

/** No post may be left empty: every service point of a grid unit is staffed. Shaoguan plan §2(2). */
export const POINT_STAFFED: Rule<number> = {
  value: 1,
  source: 'Shaoguan plan §2(2)',
  text: { zh: '社工点不得空岗', en: 'no service point may be left without a worker' },
}

/** Grid units per station: 2 to 3. Dongguan rules. */
export const STATION_GRID_UNITS: Rule<{ min: number; max: number }> = {
  value: { min: 2, max: 3 },
  source: 'Dongguan station rules',
  text: { zh: '每个社工站设2至3个网格单元', en: 'each station has 2 to 3 grid units' },
}

/** Full-time social workers per station: at least 2. Dongguan rules. */
export const STATION_FULLTIME_MIN: Rule<number> = {
  value: 2,
  source: 'Dongguan station rules',
  text: { zh: '每个社工站专职社工不少于2人', en: 'each station has at least 2 full-time workers' },
}

/** Stations per supervisor: 5 to 8. Shaoguan plan §2(6). */
export const SUPERVISOR_STATIONS: Rule<{ min: number; max: number }> = {
  value: { min: 5, max: 8 },
  source: 'Shaoguan plan §2(6)',
  text: { zh: '每名督导负责5至8个社工站', en: 'each supervisor covers 5 to 8 stations' },
}

/**
 * Supervision visits: at least one per station per month, 16 hours each. Shaoguan plan §2(6).
 * `defaultHoursPerDay` is the statutory working day (8 hours: 国务院关于职工工作时间的规定,
 * art. 3), so a visit is `ceil(16 / 8)` = 2 consecutive working days unless a plan says otherwise.
 */
export const SUPERVISION_VISITS: Rule<{ perStationPerMonth: number; hoursPerVisit: number; defaultHoursPerDay: number }> = {
  value: { perStationPerMonth: 1, hoursPerVisit: 16, defaultHoursPerDay: 8 },
  source: 'Shaoguan plan §2(6); 8-hour working day: 国务院关于职工工作时间的规定 art. 3',
  text: {
    zh: '督导每月到每个社工站至少1次，每次不少于16小时',
    en: 'each supervisor visits every station at least once a month, 16 hours a visit',
  },
}

/**
 * Road distance ≈ straight line × this factor, for visit routes (a planning default, not a
 * programme value; every visit plan may override it). 1.3 is the usual circuity of rural
 * road networks in the literature (road/straight-line ratios of 1.2-1.4).
 */
export const DEFAULT_DETOUR_FACTOR = 1.3

/**
 * Share of stations the city supervision group (市双百办督导组) visits per quarter: at least
 * 50 %. A scope's quarter meets it when inspected stations ≥ ⌈share × stations⌉, so 49 of 100
 * is short and 50 of 100 is not. Dongguan station rules §二(4): "市双百办牵头成立督导组,
 * 每季度实地走访不少于50%站点".
 */
export const QUARTERLY_INSPECTION_SHARE: Rule<number> = {
  value: 0.5,
  source: 'Dongguan station rules §2(4)',
  text: { zh: '市督导组每季度实地走访不少于50%的社工站', en: 'the city supervision group visits at least 50 % of stations per quarter' },
}

/**
 * Yellow card (黄牌): a station scoring below 80 in two consecutive quarters. The card is
 * shown at the second such quarter and every further one below 80; a quarter without a score
 * breaks the run. Dongguan station rules §二(4): "连续两季度得分低于80分的站点亮黄牌整改".
 */
export const YELLOW_CARD: Rule<{ scoreBelow: number; consecutiveQuarters: number }> = {
  value: { scoreBelow: 80, consecutiveQuarters: 2 },
  source: 'Dongguan station rules §2(4)',
  text: { zh: '连续两个季度考核得分低于80分的社工站亮黄牌整改', en: 'a station scoring below 80 in two consecutive quarters gets a yellow card' },
}

/**
 * Training hours per worker: pre-job (岗前培训) at least 15 hours, once, before or at the
 * start of the post; professional (专业培训) at least 48 hours in each calendar year
 * (Asia/Shanghai). Shaoguan plan §2(7): "岗前培训时长每人不少于15小时", "专业培训每人每年不少于48小时".
 */
export const TRAINING_HOURS: Rule<{ preJob: number; perYear: number }> = {
  value: { preJob: 15, perYear: 48 },
  source: 'Shaoguan plan §2(7)',
  text: { zh: '岗前培训每人不少于15小时；专业培训每人每年不少于48小时', en: 'pre-job training ≥ 15 h per worker; professional training ≥ 48 h per worker a year' },
}

/**
 * Default weights of weighted demand (DESIGN.md §5):
 * demand = population × population + Σ_groups count × weight.
 * A special-group member counts as much as 20 residents (tekun, dibao, disabled and
 * children in difficulty need regular home visits); left-behind groups count 10.
 * These are planning defaults, not programme values; every plan may override them.
 */
export const DEFAULT_DEMAND_WEIGHTS: { population: number } & SpecialGroupCounts = {
  population: 1,
  dibao: 20,
  tekun: 30,
  disabled: 20,
  children_in_difficulty: 25,
  left_behind_children: 10,
  elderly_in_difficulty: 20,
  left_behind_women: 10,
}

/** Weighted demand of a village (DESIGN.md §5). */
export function weightedDemand(
  population: number,
  groups: SpecialGroupCounts,
  weights: { population: number } & SpecialGroupCounts = DEFAULT_DEMAND_WEIGHTS,
): number {
  let demand = population * weights.population
  for (const g of SPECIAL_GROUPS) demand += groups[g] * weights[g]
  return demand
}

/**
 * The town government employs and manages its workers (乡镇人民政府（街道办事处）负责聘用与管理社工,
 * 3-year contracts): a worker moved to another town changes employer, so a staff plan
 * rebalances inside each town and transfers between towns only when the planner allows it.
 * Shaoguan plan §2(3); redeployment between a station and its points and between points
 * (i.e. inside a town): §2(2).
 */
export const TOWN_EMPLOYS_WORKERS: Rule<true> = {
  value: true,
  source: 'Shaoguan plan §2(2), §2(3)',
  text: {
    zh: '社工由乡镇人民政府（街道办事处）聘用与管理，调配在社工站与社工点之间、社工点之间进行；跨镇调动须另行允许',
    en: 'workers are employed by their town; redeployment is between the station and its points and between points; transfers to other towns need explicit permission',
  },
}

/** New posts are filled by the province's recruitment, about twice a year (招聘). Shaoguan plan §2(2). */
export const RECRUITMENT_ROUNDS_PER_YEAR: Rule<number> = {
  value: 2,
  source: 'Shaoguan plan §2(2)',
  text: { zh: '新增岗位由全省统一招聘补充，约每半年一次', en: "new posts are filled by the province's recruitment, about every six months" },
}

/**
 * Default prices of a staff plan, in posts of deviation from the proportional share (the
 * stage-two measure of allocateStaff). Planning defaults, not programme values:
 * - `withinTown` 0.5: a worker leaving today's post for another post of the same town
 *   (station ↔ point, point ↔ point: Shaoguan plan §2(2)) is made when it improves the spread
 *   by more than half a post;
 * - `recruit` 1: a new post filled at the province's recruitment (§2(2)); the number of
 *   recruits follows from the budget, so this price only decides where they go when the
 *   county shrinks;
 * - `release` 4: a worker whose post the plan no longer funds (only when the budget is below
 *   the county's headcount plus the posts the rules need); the last resort, dearer than a
 *   transfer, so with transfers allowed a surplus worker goes to a town that would otherwise
 *   recruit before anyone is released (without transfers the budget fixes how many);
 * - `acrossTowns` 3: a transfer to another town (a new employer, §2(3)), allowed only with
 *   `allowTransfers`; dearer than a move inside a town and than a recruit (plus the release it
 *   may spare), so a transfer is made only when it improves the spread by more than 3 posts.
 * A transferred or released worker also leaves their post: `withinTown` is part of these prices.
 */
export const DEFAULT_MOVE_PENALTY: { readonly withinTown: number; readonly acrossTowns: number; readonly recruit: number; readonly release: number } = {
  withinTown: 0.5,
  acrossTowns: 3,
  recruit: 1,
  release: 4,
}

/**
 * Default longest transfer between towns when transfers are allowed: 30 km straight line from
 * the worker's current post to the new one (about a day's round trip by the county roads of
 * northern Guangdong; a planning default, not a programme value).
 */
export const DEFAULT_MAX_TRANSFER_KM = 30

/**
 * The largest budget (total workers) a county staff plan accepts: today's headcount × 1.5, or
 * the rules' minimum if that is larger. Two recruitment rounds a year (§2(2)) can fill about
 * that many new posts in a planning year; a planning default, not a programme value.
 */
export const STAFF_BUDGET_MAX_FACTOR = 1.5
