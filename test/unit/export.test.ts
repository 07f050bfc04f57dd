/**
 * Table exports (web/src/lib/export.ts), read back by libraries other than the writers:
 * XLSX through read-excel-file, every XML part of the package through a strict XML 1.0
 * parser (saxes); CSV through papaparse's parser.
 */
import { unzipSync, strFromU8 } from 'fflate'
import Papa from 'papaparse'
import readXlsxFile from 'read-excel-file/node'
import { SaxesParser } from 'saxes'
import { describe, expect, it } from 'vitest'
import writeXlsxFileNode from 'write-excel-file/node'
import { sheetName, toCsv, toXlsx, xlsxSheet, XLSX_TYPE, type Table } from '../../web/src/lib/export.js'

/** Every character XML 1.0 forbids, one per cell value below. */
const CONTROLS = [
  ...Array.from({ length: 9 }, (_, i) => String.fromCharCode(i)),
  '\u000b',
  '\u000c',
  ...Array.from({ length: 18 }, (_, i) => String.fromCharCode(0x0e + i)),
  '\udc00', // lone low surrogate
  '\ud800', // lone high surrogate (followed by no low one)
  '\ufffe',
  '\uffff',
]
const FORMULAS = ['=1+1', '=HYPERLINK("http://x","y")', '+1', '-1+2', '@SUM(A1)', '\tx', '\rx']

const table: Table = {
  title: '韶关市 乡镇 [2026/12]: 覆盖*情况? 以及更多的字很多很多很多很多很多',
  columns: ['名次', '代码', '名称', '村（社区）数', '覆盖率', '备注'],
  rows: [
    [1, '440203', '武江区', 12, 0.75, '含"引号", 逗号\n和换行'],
    [2, '440204', '浈江区', -3, -0.5, null],
    [3, '440205', '曲江区', 0, 1e-7, ''],
    [4, '440222', '始兴县', 1234567.25, Number.NaN, `控制${CONTROLS.join('')}字符😀`],
    ...FORMULAS.map((f, i): (string | number | null)[] => [5 + i, f, '乳源', i, -i, f]),
  ],
}

/** The parts of an .xlsx package, as text. */
const parts = (bytes: Uint8Array) => Object.fromEntries(Object.entries(unzipSync(bytes)).map(([name, data]) => [name, strFromU8(data)]))

/** Parses XML strictly (well-formedness and XML 1.0 characters); throws on the first error. */
function parseXml(text: string): void {
  const parser = new SaxesParser()
  let failure: Error | null = null
  parser.on('error', (e) => {
    failure ??= e
  })
  parser.write(text).close()
  if (failure) throw failure
}

const bytesOf = async (t: Table) => new Uint8Array(await (await toXlsx(t)).arrayBuffer())

describe('XLSX export', () => {
  it('writes a package whose every XML part is well-formed XML 1.0, also with control characters in cells', async () => {
    const blob = await toXlsx(table)
    expect(blob.type).toBe(XLSX_TYPE)
    const files = parts(new Uint8Array(await blob.arrayBuffer()))
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['[Content_Types].xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml', 'xl/styles.xml']))
    for (const [name, text] of Object.entries(files)) expect(() => parseXml(text), name).not.toThrow()
  })

  it('reads back through read-excel-file: Chinese, numbers as numbers, empty cells, control characters removed, formulas as text', async () => {
    const sheets = await readXlsxFile(Buffer.from(await bytesOf(table)), { trim: false })
    expect(sheets).toHaveLength(1)
    const [{ sheet, data }] = sheets
    expect(sheet).toBe(sheetName(table.title))
    expect(data[0]).toEqual(table.columns)
    expect(data[1]).toEqual([1, '440203', '武江区', 12, 0.75, '含"引号", 逗号\n和换行'])
    expect(data[2]).toEqual([2, '440204', '浈江区', -3, -0.5, null])
    expect(data[3]).toEqual([3, '440205', '曲江区', 0, 1e-7, null])
    // XML-invalid characters are removed; the emoji (a valid surrogate pair) stays; NaN is text.
    expect(data[4]).toEqual([4, '440222', '始兴县', 1234567.25, 'NaN', '控制字符😀'])
    // Text that looks like a formula is a text cell, never a formula, and keeps its text.
    for (const [i, f] of FORMULAS.entries()) expect(data[5 + i]).toEqual([5 + i, f, '乳源', i, i === 0 ? 0 : -i, f])
    expect(data).toHaveLength(table.rows.length + 1)
    expect(parts(await bytesOf(table))['xl/worksheets/sheet1.xml']).not.toMatch(/<f[\s>]/)
  })

  it('makes the header row bold and frozen, and sizes the columns by their longest value', async () => {
    const files = parts(await bytesOf(table))
    const sheet = files['xl/worksheets/sheet1.xml']
    expect(sheet).toMatch(/<pane [^>]*ySplit="1"[^>]*state="frozen"/)
    // Each header cell's style has a bold font; a body cell's does not.
    const fonts = [...files['xl/styles.xml'].matchAll(/<font>(.*?)<\/font>|<font\/>/g)].map((m) => m[1] ?? '')
    const xfs = [...files['xl/styles.xml'].match(/<cellXfs[^>]*>(.*?)<\/cellXfs>/)![1].matchAll(/<xf\b([^>]*)>/g)].map((m) => Number(m[1].match(/fontId="(\d+)"/)?.[1] ?? 0))
    const styleOf = (ref: string) => Number(sheet.match(new RegExp(`<c r="${ref}"[^>]*>`))![0].match(/ s="(\d+)"/)?.[1] ?? 0)
    const bold = (ref: string) => fonts[xfs[styleOf(ref)]].includes('<b')
    for (const ref of ['A1', 'B1', 'C1', 'F1']) expect(bold(ref), ref).toBe(true)
    for (const ref of ['A2', 'B2', 'C2']) expect(bold(ref), ref).toBe(false)
    const widths = [...sheet.matchAll(/<col min="(\d+)" max="\d+" width="([\d.]+)"/g)].map((m) => Number(m[2]))
    // 名次: 4 wide + 2 → 8 (the minimum); 代码: '=HYPERLINK("http://x","y")' is 26 + 2; 村（社区）数: 6 wide
    // characters count 2 each; 备注: its widest text as written (control characters removed).
    expect(widths).toEqual([8, 28, 8, 14, 8, 28])
    const long = parts(await bytesOf({ title: 't', columns: ['a'], rows: [['长'.repeat(40)]] }))['xl/worksheets/sheet1.xml']
    expect(long).toMatch(/<col min="1" max="1" width="60"/) // capped
  })

  it('names the sheet from the title as Excel allows: ≤ 31 characters, no []:*?/\\, no control characters, no outer apostrophes', () => {
    expect(sheetName('韶关市 乡镇')).toBe('韶关市 乡镇')
    expect(sheetName(table.title)).toBe('韶关市 乡镇  2026 12   覆盖 情况  以及更多的字')
    expect(sheetName(table.title)).toHaveLength(31)
    expect(sheetName("'a\u0001b'")).toBe('ab')
    expect(sheetName('x'.repeat(30) + '😀')).toBe('x'.repeat(30)) // the cut never splits a surrogate pair
    expect(sheetName('')).toBe('Sheet1')
    expect(sheetName('\u0000 ')).toBe('Sheet1')
    expect(sheetName('History')).toBe('Sheet1')
  })

  it('gives the same sheet to the Node entry of write-excel-file (for server-side files)', async () => {
    const { data, options } = xlsxSheet(table)
    const buffer = await writeXlsxFileNode(data, options).toBuffer()
    expect(await readXlsxFile(buffer, { trim: false })).toEqual(await readXlsxFile(Buffer.from(await bytesOf(table)), { trim: false }))
  })

  it('writes a table with a header only and an empty title', async () => {
    const sheets = await readXlsxFile(Buffer.from(await bytesOf({ title: '', columns: ['代码', '名称'], rows: [] })))
    expect(sheets).toEqual([{ sheet: 'Sheet1', data: [['代码', '名称']] }])
  })
})

describe('CSV export', () => {
  const csv = toCsv(table)
  /** Rows as papaparse reads them (it drops the byte-order mark itself). */
  const read = (text: string) => Papa.parse<string[]>(text, { skipEmptyLines: true }).data
  const text = (v: string | number | null) => (v === null ? '' : String(v))

  it('starts with a UTF-8 byte-order mark and ends every record with CRLF', () => {
    expect(csv.charCodeAt(0)).toBe(0xfeff)
    expect(csv.endsWith('\r\n')).toBe(true)
    expect(new TextEncoder().encode(csv).subarray(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]))
  })

  it('reads back through papaparse: Chinese, quotes, commas, newlines, numbers, empty cells', () => {
    const rows = read(csv)
    expect(rows).toHaveLength(table.rows.length + 1)
    expect(rows[0]).toEqual(table.columns)
    expect(rows[1]).toEqual(['1', '440203', '武江区', '12', '0.75', '含"引号", 逗号\n和换行'])
    expect(rows[2]).toEqual(['2', '440204', '浈江区', '-3', '-0.5', ''])
    expect(rows[3]).toEqual(['3', '440205', '曲江区', '0', '1e-7', ''])
    expect(rows[4]).toEqual(table.rows[3].map(text))
  })

  it('guards text cells that start a formula with an apostrophe, and leaves numbers alone', () => {
    const rows = read(csv)
    for (const [i, f] of FORMULAS.entries()) {
      expect(rows[5 + i][1], JSON.stringify(f)).toBe(`'${f}`)
      expect(rows[5 + i][5]).toBe(`'${f}`)
      expect(rows[5 + i][4]).toBe(String(-i === 0 ? 0 : -i)) // a negative number stays a number
    }
    // In the raw text a guarded cell is quoted and a negative number is bare.
    expect(csv).toContain(`\r\n7,"'+1",乳源,2,-2,"'+1"\r\n`)
    expect(csv).toContain('\r\n2,440204,浈江区,-3,-0.5,\r\n')
    // Text that merely contains a formula character later is untouched.
    expect(read(toCsv({ title: '', columns: ['a'], rows: [['1+1=2'], ['a-b'], ['x@y']] })).slice(1)).toEqual([['1+1=2'], ['a-b'], ['x@y']])
  })
})
