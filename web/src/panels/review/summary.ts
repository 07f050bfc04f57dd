/**
 * What a plan changes, in the headline numbers of the review and in the line of the apply
 * confirmation, for each plan kind.
 */
import { t } from '../../lib/i18n.svelte'
import type { MessageKey } from '../../lib/messages'
import type { PlanDiff } from '../../lib/types'

export interface SummaryItem {
  value: string
  label: MessageKey
}

/** The headline numbers of a plan's diff (the review's summary boxes). */
export function diffSummary(diff: PlanDiff): SummaryItem[] {
  const item = (value: number | string, label: MessageKey): SummaryItem => ({ value: String(value), label })
  switch (diff.kind) {
    case 'staff':
      return [
        item(diff.summary.moves, 'plan.moves'),
        item(diff.summary.transfers, 'plan.transfers'),
        item(diff.summary.recruits, 'plan.recruits'),
        item(diff.summary.vacant, 'plan.vacant'),
        item(diff.summary.released, 'plan.released'),
        item(diff.summary.townsChanged, 'plan.townsChanged'),
        item(diff.summary.pointsChanged, 'plan.pointsChanged'),
      ]
    case 'supervisors':
      return [item(diff.summary.stationsReassigned, 'plan.stationsReassigned')]
    case 'grids':
      return [
        item(diff.summary.villagesMoved, 'plan.villagesMoved'),
        item(diff.summary.unitsChanged, 'plan.unitsChanged'),
        item(`${diff.summary.unitsAdded} / ${diff.summary.unitsRemoved}`, 'plan.unitsAddedRemoved'),
        item(diff.summary.workersMoved, 'plan.moves'),
      ]
  }
}

/** What applying the plan changes, for the confirmation dialog. */
export function confirmLine(diff: PlanDiff): string {
  switch (diff.kind) {
    case 'staff':
      return t('plan.confirmStaff', { moves: diff.summary.moves, towns: diff.summary.townsChanged })
    case 'supervisors':
      return t('plan.confirmSupervisors', { n: diff.summary.stationsReassigned })
    case 'grids':
      return t('plan.confirmGrids', { n: diff.summary.villagesMoved, units: diff.summary.unitsChanged + diff.summary.unitsAdded + diff.summary.unitsRemoved })
  }
}
