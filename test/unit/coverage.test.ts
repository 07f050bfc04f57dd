import { describe, expect, it } from 'vitest'
import { gini, median } from '../../server/services/coverage.js'

describe('spread measures', () => {
  it('median of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([])).toBeNull()
  })
  it('Gini: 0 when even, (n-1)/n when one holds everything', () => {
    expect(gini([5, 5, 5, 5])).toBeCloseTo(0, 10)
    expect(gini([0, 0, 0, 8])).toBeCloseTo(3 / 4, 10)
    expect(gini([2140, 2140, 2140, 2140, 2140, 4800, 4800, 4800, 4800, 4800])).toBeCloseTo(133000 / 694000, 10)
    expect(gini([])).toBeNull()
  })
})
