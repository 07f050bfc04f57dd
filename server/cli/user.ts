/**
 * npm run user -- add <username> --role <role> --scope <division code> --password <password>
 *                  add <username> --role supervisor --supervisor <supervisor id> --password <password> [--scope <code>]
 *                  list | remove <username> | passwd <username> --password <password>
 *
 * Manages users in the database of DATABASE_URL (works while the server runs on
 * PostgreSQL) or the embedded one in DATA_DIR (only while the server is stopped: the
 * data folder's lock says so).
 */
import { parseArgs } from 'node:util'
import { isDivisionCode, isLevel } from '../../geodata/codes.js'
import { hashPassword, passwordProblem } from '../auth/password.js'
import { ROLES, type Role } from '../auth/roles.js'
import { readConfig } from '../config.js'
import { openDatabase } from '../db/connection.js'
import { migrateLatest } from '../db/migrate.js'
import { findSupervisorWithStations } from '../repositories/supervision.repository.js'
import * as users from '../repositories/users.repository.js'

const usage = `usage:
  npm run user -- add <username> --role <${ROLES.join('|')}> --scope <division code> --password <password>
  npm run user -- add <username> --role supervisor --supervisor <supervisor id> --password <password> [--scope <code>]
      (a supervisor user's scope defaults to its supervisor's county)
  npm run user -- list
  npm run user -- remove <username>
  npm run user -- passwd <username> --password <password>`

function fail(message: string, code = 2): never {
  console.error(`${message}\n${usage}`)
  process.exit(code)
}

let parsed
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      scope: { type: 'string' },
      password: { type: 'string' },
      supervisor: { type: 'string' },
    },
  })
} catch (err) {
  fail((err as Error).message)
}
const [command, username] = parsed.positionals
const opts = parsed.values
if (!command || !['add', 'list', 'remove', 'passwd'].includes(command)) fail(`unknown command "${command ?? ''}"`)
if (command !== 'list' && !username) fail(`${command}: give a username`)
if (username && !/^[a-z0-9][a-z0-9_.-]{1,39}$/.test(username)) fail(`username must be 2-40 of a-z 0-9 _ . - , got "${username}"`)
if (command === 'add') {
  if (!opts.role || !ROLES.includes(opts.role as Role)) fail(`--role must be one of ${ROLES.join(', ')}`)
  if (opts.role === 'supervisor' && !opts.supervisor) fail('--role supervisor needs --supervisor <supervisor id> (npm run user -- add <name> --role supervisor --supervisor sv-440203-1 ...)')
  if (opts.role !== 'supervisor' && opts.supervisor) fail('--supervisor is only for --role supervisor')
  if (opts.supervisor && !/^[a-z0-9-]{1,40}$/.test(opts.supervisor)) fail(`--supervisor must be a supervisor id like sv-440203-1, got "${opts.supervisor}"`)
  if (opts.scope === undefined ? !opts.supervisor : !isDivisionCode(opts.scope) || isLevel(opts.scope, 'village')) fail('--scope must be a division code: 44, 4402, 440203 or 440203100')
}
if (command === 'add' || command === 'passwd') {
  if (!opts.password) fail('--password is required')
  const problem = passwordProblem(opts.password)
  if (problem) fail(problem)
}

const config = readConfig()
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }).catch((err: Error) => fail(err.message, 1))
try {
  await migrateLatest(db.knex)
  if (command === 'list') {
    const rows = await users.listUsers(db.knex)
    for (const u of rows) console.log(`${u.username.padEnd(24)} ${u.role.padEnd(11)} ${u.scope.padEnd(10)} ${u.supervisorId ?? ''}`)
    if (!rows.length) console.log('(no users)')
  } else if (command === 'add') {
    if (await users.findUserByName(db.knex, username)) fail(`user ${username} already exists`, 1)
    const supervisor = opts.supervisor ? await findSupervisorWithStations(db.knex, opts.supervisor) : null
    if (opts.supervisor && !supervisor) fail(`--supervisor: no supervisor ${opts.supervisor} in the database (see GET /api/supervisors)`)
    const scope = opts.scope ?? supervisor!.countyCode
    await users.insertUser(db.knex, {
      username,
      passwordHash: await hashPassword(opts.password!),
      role: opts.role as Role,
      scope,
      supervisorId: supervisor?.id ?? null,
    })
    const of = supervisor ? `, supervisor ${supervisor.id} ${supervisor.name} with ${supervisor.stations.length} stations` : ''
    console.log(`added ${username} (${opts.role}, scope ${scope}${of})`)
  } else if (command === 'remove') {
    if (!(await users.deleteUser(db.knex, username))) fail(`no user ${username}`, 1)
    console.log(`removed ${username}`)
  } else {
    if (!(await users.setPasswordHash(db.knex, username, await hashPassword(opts.password!)))) fail(`no user ${username}`, 1)
    console.log(`password of ${username} changed; their sessions were signed out`)
  }
} catch (err) {
  console.error(`failed: ${(err as Error).message}`)
  process.exitCode = 1
} finally {
  await db.close()
}
