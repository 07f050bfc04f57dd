/**
 * What the user has chosen to look at, besides the division: the selected feature and the
 * panel's tab, and how the selection is written in the URL (`s=v:<code>`, lib/url.ts).
 */
import { canManageCompliance, canReadAudit } from './roles'
import type { User } from './types'

export type SelectionKind = 'village' | 'town' | 'county' | 'station' | 'point'
export interface Selection {
  kind: SelectionKind
  id: string
}

export type Tab = 'visits' | 'dashboard' | 'details' | 'plan' | 'audit' | 'compliance'
const TABS: readonly Tab[] = ['dashboard', 'details', 'plan']
/** A supervisor's home is its visits (it drafts no staffing plans). */
const SUPERVISOR_TABS: readonly Tab[] = ['visits', 'dashboard', 'details']

/** The panel's tabs for a user: a supervisor's visits first; the audit trail and the compliance dashboard for the roles that use them. */
export function tabsFor(user: User | null): readonly Tab[] {
  if (!user) return TABS
  if (user.role === 'supervisor') return SUPERVISOR_TABS
  return [...TABS, ...(canReadAudit(user.role) ? (['audit'] as const) : []), ...(canManageCompliance(user.role) ? (['compliance'] as const) : [])]
}

/** The tab named in a URL when this user has it, else the user's first tab. */
export function tabOf(name: string | undefined, user: User | null): Tab {
  return name && (tabsFor(user) as string[]).includes(name) ? (name as Tab) : tabsFor(user)[0]
}

const SEL_PREFIX: Record<SelectionKind, string> = { village: 'v', town: 't', county: 'c', station: 'st', point: 'sp' }

export function selectionToString(s: Selection | null): string | undefined {
  return s ? `${SEL_PREFIX[s.kind]}:${s.id}` : undefined
}
export function selectionFromString(s: string | undefined): Selection | null {
  if (!s) return null
  const i = s.indexOf(':')
  const kind = (Object.keys(SEL_PREFIX) as SelectionKind[]).find((k) => SEL_PREFIX[k] === s.slice(0, i))
  return kind && s.length > i + 1 ? { kind, id: s.slice(i + 1) } : null
}
