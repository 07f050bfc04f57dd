/** The sources' CSV (geodata/csv.ts, papaparse): the files in git read and write back byte for byte. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { readCsv, writeCsv } from '../../../geodata/csv.js'

describe('source CSV', () => {
  it.each([
    ['cities', 22, ['code', 'name']],
    ['counties', 125, ['code', 'name', 'cityCode']],
    ['towns', 1758, ['code', 'name', 'countyCode', 'cityCode']],
    ['villages', 26843, ['code', 'name', 'townCode']],
  ])('reads guangdong-%s.csv (%i records) and writes it back byte-identical', (file, count, header) => {
    const text = readFileSync(new URL(`../../../geodata/sources/guangdong-${file}.csv`, import.meta.url), 'utf8')
    const rows = readCsv(text)
    expect(rows).toHaveLength(count)
    expect(rows[0]).toEqual(header)
    expect(rows.filter((row) => row.length !== header.length)).toEqual([])
    expect(rows[1][0]).toMatch(/^44\d+$/)
    expect(writeCsv(rows)).toBe(text)
  })

  it('reads quoted fields, doubled quotes, empty fields and CRLF, and quotes only where needed when writing', () => {
    const rows = readCsv('code,name\r\n1,"多福巷,社区"\r\n2,"say ""hi"""\r\n\r\n,\r\n')
    expect(rows).toEqual([['code', 'name'], ['1', '多福巷,社区'], ['2', 'say "hi"'], ['', '']])
    expect(writeCsv(rows)).toBe('code,name\n1,"多福巷,社区"\n2,"say ""hi"""\n,\n')
  })

  it('refuses a malformed file', () => {
    expect(() => readCsv('a,b\n"unclosed,1\n')).toThrow(/CSV row/)
  })
})
