// China's working-day calendar: the shipped 2026 data against the State Council's notice,
// monthly working-day counts 2024-2026, unpublished years, and dates independent of the
// process time zone (this file runs in America/Los_Angeles, UTC−8, far from Asia/Shanghai).
process.env.TZ = 'America/Los_Angeles'

import { describe, expect, it } from 'vitest'
import { arrangementProblems, buildCalendarYear, datesOfYear, shanghaiDate, shippedArrangements, weekdayOf } from '../../server/services/calendar.js'

/**
 * 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04), as published: the days off
 * (放假调休) and the adjusted working days (上班).
 */
const NOTICE_2026 = {
  holidays: [
    ['元旦', '2026-01-01', '2026-01-03'], // 1月1日（周四）至3日（周六）放假调休，共3天
    ['春节', '2026-02-15', '2026-02-23'], // 2月15日（腊月二十八、周日）至23日（正月初七、周一），共9天
    ['清明', '2026-04-04', '2026-04-06'], // 4月4日（周六）至6日（周一）放假，共3天
    ['劳动节', '2026-05-01', '2026-05-05'], // 5月1日（周五）至5日（周二）放假调休，共5天
    ['端午', '2026-06-19', '2026-06-21'], // 6月19日（周五）至21日（周日）放假，共3天
    ['中秋', '2026-09-25', '2026-09-27'], // 9月25日（周五）至27日（周日）放假，共3天
    ['国庆节', '2026-10-01', '2026-10-07'], // 10月1日（周四）至7日（周三）放假调休，共7天
  ],
  // 1月4日（周日）; 2月14日（周六）、2月28日（周六）; 5月9日（周六）; 9月20日（周日）、10月10日（周六）上班
  workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
}

/** Working days per month (including adjusted working days), from shared/REFERENCE.md. */
const MONTHLY = {
  2024: [22, 18, 21, 22, 21, 19, 23, 22, 21, 19, 21, 22],
  2025: [19, 19, 21, 22, 19, 20, 23, 21, 23, 18, 20, 23],
  2026: [21, 16, 22, 21, 19, 21, 23, 21, 22, 18, 21, 23],
} as Record<number, number[]>

const shipped = (year: number) => {
  const a = shippedArrangements().find((x) => x.year === year)
  if (!a) throw new Error(`${year} not shipped`)
  return buildCalendarYear(year, a)
}

describe('working-day calendar', () => {
  it('runs in a time zone far from Asia/Shanghai', () => {
    expect(new Date(2026, 0, 15).getTimezoneOffset()).toBe(480)
  })

  it('2026 is exactly the State Council notice: every holiday range and every adjusted working day', () => {
    const cal = shipped(2026)
    expect(cal.status).toBe('official')
    expect(cal.source).toContain('国务院办公厅关于2026年部分节假日安排的通知')
    const off = new Map<string, string>()
    for (const [name, from, to] of NOTICE_2026.holidays) for (const d of datesOfYear(2026)) if (d >= from && d <= to) off.set(d, name)
    const expected = datesOfYear(2026).map((date) => ({ date, workday: off.has(date) ? false : NOTICE_2026.workdays.includes(date) ? true : weekdayOf(date) % 6 !== 0 }))
    expect(cal.days.map(({ date, workday }) => ({ date, workday }))).toEqual(expected)
    for (const [date, name] of off) expect(cal.days.find((d) => d.date === date)?.name).toContain(name.slice(0, 2))
    for (const date of NOTICE_2026.workdays) {
      expect(weekdayOf(date) % 6).toBe(0) // each is a Saturday or Sunday in the notice
      expect(cal.days.find((d) => d.date === date)).toMatchObject({ workday: true, name: expect.stringContaining('调休上班') })
    }
  })

  it('has the published working days per month for 2024-2026', () => {
    for (const year of [2024, 2025, 2026]) {
      const cal = shipped(year)
      const perMonth = Array.from({ length: 12 }, (_, m) => cal.days.filter((d) => d.workday && Number(d.date.slice(5, 7)) === m + 1).length)
      expect(perMonth, String(year)).toEqual(MONTHLY[year])
    }
  })

  it('marks a year without a notice unpublished: Monday-Friday, flagged, naming the missing notice', () => {
    const cal = buildCalendarYear(2027, null)
    expect(cal.status).toBe('unpublished')
    expect(cal.source).toContain('国务院办公厅关于2027年部分节假日安排的通知')
    expect(cal.days).toHaveLength(365)
    expect(cal.days[0]).toEqual({ date: '2027-01-01', workday: true }) // a Friday: no New Year holiday assumed
    expect(cal.days.filter((d) => d.workday)).toHaveLength(261)
    expect(cal.days.some((d) => d.name)).toBe(false)
  })

  it('computes days and weekdays without the process time zone', () => {
    expect(datesOfYear(2024)).toHaveLength(366)
    expect(datesOfYear(2026)[0]).toBe('2026-01-01')
    expect(datesOfYear(2026).at(-1)).toBe('2026-12-31')
    expect(weekdayOf('2026-02-14')).toBe(6)
    expect(weekdayOf('2026-01-01')).toBe(4)
    // 2026-01-31 17:00 UTC is already 1 February in Shanghai (UTC+8); in Los Angeles it is still 31 January, 09:00.
    expect(shanghaiDate(new Date('2026-01-31T17:00:00Z'))).toBe('2026-02-01')
    expect(shanghaiDate(new Date('2026-01-31T15:59:59Z'))).toBe('2026-01-31')
  })

  it('refuses an arrangement with a date outside the year, a repeat or a weekday as adjusted working day', () => {
    const problems = arrangementProblems(2027, {
      holidays: [{ date: '2027-02-06' }, { date: '2026-12-31' }, { date: '2027-02-06' }],
      workdays: [{ date: '2027-02-08' }, { date: '2027-02-20' }],
    })
    expect(problems.map((p) => p.field)).toEqual(['holidays.1.date', 'holidays.2.date', 'workdays.0.date'])
  })
})
