/** Division-code arithmetic (geodata/codes.ts), table-driven. */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  ancestorAt,
  childLevel,
  cityOf,
  countyOf,
  DIVISION_CODE_PATTERN,
  isDivisionCode,
  isWithin,
  levelCodePattern,
  levelName,
  levelOf,
  levelOfCode,
  NATION,
  parentLevel,
  parentOf,
  provinceOf,
  townOf,
  type CodeLevel,
} from '../../geodata/codes.js'

const VILLAGE = '440203100201'

describe('division codes', () => {
  it.each<[string, CodeLevel | null]>([
    ['', 'nation'],
    ['44', 'province'],
    ['4402', 'city'],
    ['440203', 'county'],
    ['440203100', 'town'],
    [VILLAGE, 'village'],
    ['4', null],
    ['440', null],
    ['44020', null],
    ['4402031', null],
    ['44020310', null],
    ['4402031002', null],
    ['44020310020', null],
    ['4402031002011', null],
    ['44ab', null],
    ['4402 ', null],
    [' 4402', null],
    ['４４', null],
    ['-4402', null],
  ])('levelOf(%j) = %j', (code, level) => {
    expect(levelOf(code)).toBe(level)
    // The pattern agrees for every stored level (the nation is no `within`).
    expect(isDivisionCode(code)).toBe(level !== null && level !== 'nation')
    expect(z.string().regex(new RegExp(DIVISION_CODE_PATTERN)).safeParse(code).success).toBe(level !== null && level !== 'nation')
  })

  it('throws on a malformed code where a valid one is required', () => {
    expect(() => levelOfCode('440')).toThrow(/invalid division code "440"/)
    expect(() => parentOf('4x')).toThrow(/invalid/)
    expect(() => countyOf('123')).toThrow(/invalid/)
  })

  it.each<[string, string | null]>([
    [VILLAGE, '440203100'],
    ['440203100', '440203'],
    ['440203', '4402'],
    ['4402', '44'],
    ['44', NATION],
    [NATION, null],
  ])('parentOf(%j) = %j', (code, parent) => {
    expect(parentOf(code)).toBe(parent)
  })

  it.each<[string, CodeLevel, string | null]>([
    [VILLAGE, 'nation', ''],
    [VILLAGE, 'province', '44'],
    [VILLAGE, 'city', '4402'],
    [VILLAGE, 'county', '440203'],
    [VILLAGE, 'town', '440203100'],
    [VILLAGE, 'village', VILLAGE],
    ['440203', 'county', '440203'],
    ['440203', 'town', null],
    ['4402', 'county', null],
    ['44', 'city', null],
  ])('ancestorAt(%j, %j) = %j', (code, level, ancestor) => {
    expect(ancestorAt(code, level)).toBe(ancestor)
  })

  it('names the common ancestors', () => {
    expect([provinceOf(VILLAGE), cityOf(VILLAGE), countyOf(VILLAGE), townOf(VILLAGE)]).toEqual(['44', '4402', '440203', '440203100'])
    expect(townOf('440203')).toBeNull()
  })

  it.each<[string, string, boolean]>([
    ['4402', '44', true],
    [VILLAGE, '44', true],
    [VILLAGE, '440203', true],
    [VILLAGE, VILLAGE, true],
    ['44', '44', true],
    ['44', NATION, true],
    ['4402', '4402', true],
    ['44', '4402', false],
    ['4403', '4402', false],
    ['4502', '44', false],
    ['440203', '440204', false],
    // A prefix that is no code is no scope.
    ['440203', '440', false],
    ['4402031', '4402', false],
    ['4402ab', '4402', false],
  ])('isWithin(%j, %j) = %j', (code, scope, within) => {
    expect(isWithin(code, scope)).toBe(within)
  })

  it.each<[CodeLevel, CodeLevel | null, CodeLevel | null]>([
    ['nation', 'province', null],
    ['province', 'city', 'nation'],
    ['city', 'county', 'province'],
    ['county', 'town', 'city'],
    ['town', 'village', 'county'],
    ['village', null, 'town'],
  ])('%s: child %s, parent %s', (level, child, parent) => {
    expect(childLevel(level)).toBe(child)
    expect(parentLevel(level)).toBe(parent)
  })

  it.each<[string, string, boolean]>([
    ['village', VILLAGE, true],
    ['village', '440203100', false],
    ['village', `${VILLAGE}1`, false],
    ['province', '44', true],
    ['province', '4402', false],
    ['town', '440203100', true],
  ])('levelCodePattern(%j) on %j: %j', (level, code, ok) => {
    expect(new RegExp(levelCodePattern(level as 'village')).test(code)).toBe(ok)
  })

  it('names the levels in Chinese and English', () => {
    expect(levelName('province', 'zh')).toBe('省')
    expect(levelName('county', 'zh')).toBe('县(区)')
    expect(levelName('town')).toBe('town')
    expect(levelName('nation', 'en')).toBe('nation')
  })
})
