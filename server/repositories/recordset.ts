/**
 * Rows sent to the database as one JSON parameter and read back as a relation
 * (`jsonb_to_recordset`), so that a plan writes each table in one set-based statement
 * however many rows change, instead of one statement per row.
 */
import type { Knex } from 'knex'

/**
 * `jsonb_to_recordset(?) as <alias>(<columns>)` with `rows` bound: use it in a FROM clause.
 * `columns` is SQL, e.g. `id text, post text`; row keys must be the column names.
 */
export function recordset(knex: Knex, alias: string, columns: string, rows: readonly object[]): Knex.Raw {
  return knex.raw(`jsonb_to_recordset(?::jsonb) as ${alias}(${columns})`, [JSON.stringify(rows)])
}
