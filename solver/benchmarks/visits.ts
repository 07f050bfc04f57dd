/**
 * Visit-plan benchmark: one supervisor with 8 stations (synthetic places around a base in
 * Shaoguan), March 2026 (22 working days, no holiday) and February 2026 (16 working days:
 * the Spring Festival, with the Saturdays 14 and 28 worked). Median of several runs.
 */
import { availableParallelism } from 'node:os'
import { planVisits } from '../problems/planVisits.js'
import { seededRandom } from './synthetic.js'

const FEBRUARY_2026 = ['02', '03', '04', '05', '06', '09', '10', '11', '12', '13', '14', '24', '25', '26', '27', '28'].map((d) => `2026-02-${d}`)
const MARCH_2026 = Array.from({ length: 31 }, (_, i) => `2026-03-${String(i + 1).padStart(2, '0')}`).filter((d) => {
  const wd = new Date(`${d}T00:00:00Z`).getUTCDay()
  return wd !== 0 && wd !== 6
})

/** One row per month: ms (median of `runs`), km, status. */
export async function benchVisits(runs = 7): Promise<Array<Record<string, string | number>>> {
  const rand = seededRandom(2026)
  const base: [number, number] = [113.59, 24.8]
  const stations = Array.from({ length: 8 }, (_, i) => ({ id: `st-${i}`, lnglat: [113.2 + 0.8 * rand(), 24.5 + 0.7 * rand()] as [number, number] }))
  const rows: Array<Record<string, string | number>> = []
  for (const [month, workingDays] of [
    ['2026-03', MARCH_2026],
    ['2026-02', FEBRUARY_2026],
  ] as const) {
    const times: number[] = []
    let last = await planVisits({ month, base, stations, workingDays: [...workingDays] }) // warm-up (JIT), not timed
    for (let r = 0; r < runs; r++) {
      const t = performance.now()
      last = await planVisits({ month, base, stations, workingDays: [...workingDays] })
      times.push(performance.now() - t)
    }
    times.sort((a, b) => a - b)
    rows.push({
      instance: `planVisits ${month}`,
      stations: stations.length,
      'working days': workingDays.length,
      cores: availableParallelism(),
      'ms (median)': times[(times.length - 1) >> 1].toFixed(1),
      'ms (min-max)': `${times[0].toFixed(1)}-${times[times.length - 1].toFixed(1)}`,
      runs,
      km: last.totalKm ?? '—',
      status: `${last.status}${last.verified ? ', verified' : ''}`,
    })
  }
  return rows
}
