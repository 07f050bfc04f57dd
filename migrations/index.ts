/**
 * The migrations, in order, as a knex migration source. Listing them statically (not
 * reading the folder) lets the same migrations run under tsx, vitest and a bundler.
 */
import type { Knex } from 'knex'
import * as divisions from './20261123_0001_divisions.js'
import * as network from './20261123_0002_network.js'
import * as auditLog from './20261123_0003_audit_log.js'
import * as users from './20261123_0004_users_sessions.js'
import * as plans from './20261123_0005_plans_jobs.js'
import * as dataVersionTriggers from './20261123_0006_data_version_triggers.js'
import * as innerPoint from './20261123_0007_division_inner_point.js'
import * as province from './20261124_0001_province.js'
import * as loginThrottle from './20261201_0008_login_throttle.js'
import * as countyVersions from './20261201_0009_county_versions.js'
import * as auditSessions from './20261201_0010_audit_sessions.js'
import * as jobCancelSteps from './20261201_0011_job_cancel_steps.js'
import * as provincePlans from './20261201_0012_province_plans.js'
import * as calendar from './20261201_0013_calendar.js'
import * as planReview from './20261201_0015_plan_review.js'
import * as geometryVersions from './20261201_0016_geometry_versions.js'
import * as apiTokens from './20261201_0017_api_tokens.js'
import * as visitPlans from './20261201_0018_visit_plans.js'
import * as compliance from './20261201_0019_compliance.js'

type Migration = { name: string; up: (knex: Knex) => Promise<void>; down: (knex: Knex) => Promise<void> }

export const migrations: Migration[] = [
  { name: '20261123_0001_divisions', ...divisions },
  { name: '20261123_0002_network', ...network },
  { name: '20261123_0003_audit_log', ...auditLog },
  { name: '20261123_0004_users_sessions', ...users },
  { name: '20261123_0005_plans_jobs', ...plans },
  { name: '20261123_0006_data_version_triggers', ...dataVersionTriggers },
  { name: '20261123_0007_division_inner_point', ...innerPoint },
  { name: '20261124_0001_province', ...province },
  { name: '20261201_0008_login_throttle', ...loginThrottle },
  { name: '20261201_0009_county_versions', ...countyVersions },
  { name: '20261201_0010_audit_sessions', ...auditSessions },
  { name: '20261201_0011_job_cancel_steps', ...jobCancelSteps },
  { name: '20261201_0012_province_plans', ...provincePlans },
  { name: '20261201_0013_calendar', ...calendar },
  { name: '20261201_0015_plan_review', ...planReview },
  { name: '20261201_0016_geometry_versions', ...geometryVersions },
  { name: '20261201_0017_api_tokens', ...apiTokens },
  { name: '20261201_0018_visit_plans', ...visitPlans },
  { name: '20261201_0019_compliance', ...compliance },
]

export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: async () => migrations,
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
}
