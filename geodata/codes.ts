/**
 * Division codes (统计用区划代码), the one place that knows their arithmetic. Pure and
 * browser-safe: the server, the web and the generator all import it.
 *
 * A code is digits only, and a child's code starts with its parent's code:
 *
 * | level    | digits | example        |
 * | -------- | ------ | -------------- |
 * | nation   | 0      | '' (the root)  |
 * | province | 2      | 44             |
 * | city     | 4      | 4402           |
 * | county   | 6      | 440203         |
 * | town     | 9      | 440203100      |
 * | village  | 12     | 440203100201   |
 *
 * The national root is the empty code: every code lies within it, a scope of '' sees
 * everything, and a future multi-province deployment lists its provinces as the root's
 * children. It is not a row of the `divisions` table and not a valid `within`.
 */

/** The stored levels, top down. */
export const DIVISION_LEVELS = ['province', 'city', 'county', 'town', 'village'] as const
export type DivisionLevel = (typeof DIVISION_LEVELS)[number]
/** A stored level or the national root. */
export type CodeLevel = 'nation' | DivisionLevel

/** The code of the national root. */
export const NATION = ''

/** Number of digits of a code at each level. */
export const CODE_LENGTH: Readonly<Record<CodeLevel, number>> = { nation: 0, province: 2, city: 4, county: 6, town: 9, village: 12 }

const LEVEL_BY_LENGTH = new Map<number, CodeLevel>(Object.entries(CODE_LENGTH).map(([level, n]) => [n, level as CodeLevel]))
const CHAIN: readonly CodeLevel[] = ['nation', ...DIVISION_LEVELS]

/** The pattern of a division code (2, 4, 6, 9 or 12 digits), as a regex source for zod and OpenAPI. */
export const DIVISION_CODE_PATTERN = '^\\d{2}(\\d{2}(\\d{2}(\\d{3}(\\d{3})?)?)?)?$'
const CODE_RE = new RegExp(DIVISION_CODE_PATTERN)
/** The pattern of a code of one level, e.g. '^\\d{12}$' for a village. */
export function levelCodePattern(level: DivisionLevel): string {
  return `^\\d{${CODE_LENGTH[level]}}$`
}
/** What a valid code looks like, for error messages. */
export const DIVISION_CODE_HINT = 'a division code of 2, 4, 6, 9 or 12 digits, e.g. 44, 4402 or 440203100'

/** Whether `code` is a division code of a stored level (not the national root). */
export function isDivisionCode(code: string): boolean {
  return CODE_RE.test(code)
}

/** The level of a code ('' is the nation), or null when it is not a code. */
export function levelOf(code: string): CodeLevel | null {
  if (code !== NATION && !isDivisionCode(code)) return null
  return LEVEL_BY_LENGTH.get(code.length) ?? null
}

/** The level of a code; throws on anything else (for codes that were validated already). */
export function levelOfCode(code: string): CodeLevel {
  const level = levelOf(code)
  if (!level) throw new Error(`invalid division code "${code}": expected ${DIVISION_CODE_HINT}`)
  return level
}

/** The level below `level`, or null for a village. */
export function childLevel(level: CodeLevel): DivisionLevel | null {
  return (CHAIN[CHAIN.indexOf(level) + 1] as DivisionLevel | undefined) ?? null
}

/** The level above `level`, or null for the nation. */
export function parentLevel(level: CodeLevel): CodeLevel | null {
  return CHAIN[CHAIN.indexOf(level) - 1] ?? null
}

/** The code of the division at `level` containing `code` (itself at its own level), or null when `code` lies above `level`. */
export function ancestorAt(code: string, level: CodeLevel): string | null {
  const own = levelOfCode(code)
  if (CODE_LENGTH[level] > CODE_LENGTH[own]) return null
  return code.slice(0, CODE_LENGTH[level])
}

/** The parent's code ('' for a province), or null for the national root. */
export function parentOf(code: string): string | null {
  const up = parentLevel(levelOfCode(code))
  return up ? code.slice(0, CODE_LENGTH[up]) : null
}

export const provinceOf = (code: string): string | null => ancestorAt(code, 'province')
export const cityOf = (code: string): string | null => ancestorAt(code, 'city')
export const countyOf = (code: string): string | null => ancestorAt(code, 'county')
export const townOf = (code: string): string | null => ancestorAt(code, 'town')

/** Whether the division `code` lies within `scope` (is it or below it); false for malformed codes. */
export function isWithin(code: string, scope: string): boolean {
  return levelOf(code) !== null && levelOf(scope) !== null && code.startsWith(scope)
}

/** Whether `code` is a code of `level`. */
export function isLevel(code: string, level: CodeLevel): boolean {
  return levelOf(code) === level
}

/** Human names of the levels. */
export const LEVEL_NAMES: Readonly<Record<CodeLevel, { zh: string; en: string }>> = {
  nation: { zh: '全国', en: 'nation' },
  province: { zh: '省', en: 'province' },
  city: { zh: '市', en: 'city' },
  county: { zh: '县(区)', en: 'county' },
  town: { zh: '乡镇(街道)', en: 'town' },
  village: { zh: '村(居)', en: 'village' },
}

/** The level's name in a language, e.g. levelName('county', 'en') = 'county'. */
export function levelName(level: CodeLevel, lang: 'zh' | 'en' = 'en'): string {
  return LEVEL_NAMES[level][lang]
}
