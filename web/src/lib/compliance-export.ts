/**
 * The compliance report as tables (one per section), for the XLSX workbook the bureau exports.
 * Pure: runs in Node too (test/unit/compliance-export.test.ts reads the workbook back).
 */
import type { Lang } from './i18n.svelte'
import type { Table } from './export'
import type { ComplianceReport } from './types'

const L = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en)
const yesNo = (lang: Lang, b: boolean) => (b ? L(lang, '是', 'yes') : L(lang, '否', 'no'))

/** The sheets of a report: visits, supervisors, inspections, scores and yellow cards, training. */
export function complianceTables(r: ComplianceReport, lang: Lang): Table[] {
  const title = (zh: string, en: string) => `${L(lang, zh, en)} ${r.quarter}`
  return [
    {
      title: title('督导走访', 'Visits'),
      columns: [L(lang, '社工站', 'Station'), L(lang, '乡镇代码', 'Town code'), L(lang, '月份', 'Month'), L(lang, '最长走访小时', 'Longest visit (h)')],
      rows: r.visits.available
        ? r.visits.missed.map((m) => [m.stationName, m.townCode, m.month, m.longestVisitHours])
        : [[r.visits.note ? r.visits.note[lang] : '', null, null, null]],
    },
    {
      title: title('督导负责站数', 'Supervisors'),
      columns: [L(lang, '督导', 'Supervisor'), L(lang, '县(区)代码', 'County code'), L(lang, '社工站数', 'Stations'), L(lang, '规则', 'Rule')],
      rows: r.supervisors.outside.map((s) => [s.name, s.countyCode, s.stations, `${r.supervisors.rule.min}-${r.supervisors.rule.max}`]),
    },
    {
      title: title('市督导组走访比例', 'Inspection share'),
      columns: [L(lang, '季度或县(区)', 'Quarter or county'), L(lang, '社工站数', 'Stations'), L(lang, '已走访', 'Inspected'), L(lang, '比例', 'Share'), L(lang, '需走访', 'Required'), L(lang, '达标', 'Meets')],
      rows: [
        ...r.inspections.quarters.map((q) => [q.quarter, q.stations, q.inspected, q.share, q.required, yesNo(lang, q.meets)]),
        ...r.inspections.counties.map((c) => [`${c.name} (${r.quarter})`, c.stations, c.inspected, c.share, c.required, yesNo(lang, c.meets)]),
      ],
    },
    {
      title: title('考核得分与黄牌', 'Scores and yellow cards'),
      columns: [L(lang, '社工站', 'Station'), L(lang, '乡镇代码', 'Town code'), ...r.quarters, L(lang, '黄牌', 'Yellow card')],
      rows: r.scores.stations.map((s) => [s.stationName, s.townCode, ...s.scores.map((x) => x.score), yesNo(lang, s.yellowCard)]),
    },
    {
      title: title('培训学时不足', 'Training gaps'),
      columns: [L(lang, '社工', 'Worker'), L(lang, '社工站', 'Station'), L(lang, '岗前培训小时', 'Pre-job h'), L(lang, '岗前尚缺', 'Pre-job short'), `${L(lang, '专业培训小时', 'Professional h')} ${r.training.year}`, L(lang, '专业尚缺', 'Professional short')],
      rows: r.training.restricted
        ? [[L(lang, `无权查看姓名：岗前不足 ${r.training.preJobShort} 人，专业不足 ${r.training.professionalShort} 人`, `names not shown to your role: ${r.training.preJobShort} short of pre-job, ${r.training.professionalShort} short of professional`), null, null, null, null, null]]
        : r.training.gaps.map((g) => [g.workerName, g.stationName, g.preJobHours, g.preJobShort, g.professionalHours, g.professionalShort]),
    },
  ]
}
