/**
 * Exports of tables (CSV by papaparse, XLSX by write-excel-file) and file downloads.
 *
 * `toCsv` and `toXlsx` run in the browser and in Node alike (write-excel-file's
 * universal entry makes a Blob in both); server code that wants a Buffer or a stream
 * passes `xlsxSheet(table)` to `write-excel-file/node` instead.
 */
import Papa from 'papaparse'
import type { Cell as SheetCell, SheetData } from 'write-excel-file/universal'

export type Cell = string | number | null
export interface Table {
  title: string
  columns: string[]
  rows: Cell[][]
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/**
 * The first characters that make a spreadsheet read a text cell as a formula (OWASP,
 * "CSV Injection"): such cells get a leading apostrophe. Only string cells are guarded:
 * a number (say -3) is written as a number, so it stays a number.
 */
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * RFC 4180 CSV with a UTF-8 byte-order mark so that Excel reads Chinese correctly, CRLF line
 * ends, and the formula-injection guard on string cells (see FORMULA_START).
 */
export function toCsv(table: Table): string {
  const rows = [table.columns, ...table.rows]
  return '\ufeff' + Papa.unparse(rows, { newline: '\r\n', escapeFormulae: FORMULA_START }) + '\r\n'
}

/**
 * Characters XML 1.0 forbids (C0 controls but TAB, LF, CR; lone surrogates; U+FFFE, U+FFFF):
 * Excel refuses a file that holds one, so they are removed (not replaced) from every string.
 */
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
/** Excel's limit on the characters of one cell. */
const MAX_CELL_CHARS = 32_767

/** Text as Excel accepts it: XML-invalid characters removed, at most 32 767 characters. */
export function xlsxText(s: string): string {
  const clean = s.replace(XML_INVALID, '')
  return clean.length > MAX_CELL_CHARS ? clipUtf16(clean, MAX_CELL_CHARS) : clean
}

/** The first `n` UTF-16 units of `s`, one fewer where the cut would split a surrogate pair. */
function clipUtf16(s: string, n: number): string {
  const high = s.charCodeAt(n - 1)
  return s.slice(0, high >= 0xd800 && high <= 0xdbff ? n - 1 : n)
}

/**
 * A sheet name Excel accepts, from a title: no []:*?/\ (each becomes a space), no
 * XML-invalid characters, no apostrophe at either end, at most 31 characters, not
 * Excel's reserved "History"; 'Sheet1' when nothing is left.
 */
export function sheetName(title: string): string {
  const name = clipUtf16(xlsxText(title).replace(/[[\]:*?/\\]/g, ' ').replace(/^'+/, ''), 31).replace(/'+$/, '')
  return name.trim() === '' || name.toLowerCase() === 'history' ? 'Sheet1' : name
}

/** Display width of a cell in Excel's character units: CJK and other wide characters count 2. */
function displayWidth(cell: SheetCell): number {
  const v = cell !== null && typeof cell === 'object' && 'value' in cell ? cell.value : cell
  return [...String(v ?? '')].reduce((a, ch) => a + (ch.codePointAt(0)! > 255 ? 2 : 1), 0)
}

const sheetCell = (v: Cell): SheetCell => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v)
  if (v === null) return null
  const text = xlsxText(v)
  return text === '' ? null : text
}

/** The sheet options used here (they suit every entry of write-excel-file). */
export interface XlsxSheetOptions {
  sheet: string
  columns: { width: number }[]
  stickyRowsCount: number
}

/**
 * The sheet of a table for write-excel-file: bold header row, frozen; numbers as numbers
 * (a non-finite number as its text); empty strings as empty cells; each column as wide as
 * its longest value (8 to 60 characters).
 */
export function xlsxSheet(table: Table): { data: SheetData; options: XlsxSheetOptions } {
  const header = table.columns.map((c): SheetCell => ({ value: xlsxText(c), fontWeight: 'bold' }))
  const data: SheetData = [header, ...table.rows.map((r) => r.map(sheetCell))]
  const widest = header.map(() => 0)
  for (const row of data) for (const [j, cell] of row.entries()) if (j < widest.length) widest[j] = Math.max(widest[j], displayWidth(cell))
  const columns = widest.map((w) => ({ width: Math.min(60, Math.max(8, w + 2)) }))
  return { data, options: { sheet: sheetName(table.title), columns, stickyRowsCount: 1 } }
}

/** An .xlsx workbook of one sheet (see xlsxSheet). The writer loads on first use (its own chunk). */
export async function toXlsx(table: Table): Promise<Blob> {
  const { default: writeXlsxFile } = await import('write-excel-file/universal')
  const { data, options } = xlsxSheet(table)
  return writeXlsxFile(data, options).toBlob()
}

/** Saves data as a file through a temporary link. */
export function download(name: string, data: Blob | Uint8Array | string, type: string): void {
  const blob = data instanceof Blob ? data : new Blob([data as BlobPart], { type })
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** A file name part from a division name and today's date, e.g. 韶关市-2026-11-23. */
export function fileStem(name: string): string {
  const d = new Date()
  const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
  return `${name.replace(/[\\/:*?"<>|\s]+/g, '_')}-${day}`
}

/** An .xlsx workbook of several sheets, one per table (each as xlsxSheet makes it; repeated names get a number). */
export async function toXlsxBook(tables: Table[]): Promise<Blob> {
  const { default: writeXlsxFile } = await import('write-excel-file/universal')
  const seen = new Set<string>()
  const sheets = tables.map((table) => {
    const { data, options } = xlsxSheet(table)
    let name = options.sheet
    for (let i = 2; seen.has(name); i++) name = sheetName(`${options.sheet.slice(0, 28)} ${i}`)
    seen.add(name)
    return { data, ...options, sheet: name }
  })
  return writeXlsxFile(sheets).toBlob()
}
