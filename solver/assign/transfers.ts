/**
 * Which posts a worker may take in `assignWorkers`: any post of their own town; a post of
 * another town (a transfer, a new employer: Shaoguan plan §2(3)) only when transfers are
 * allowed and the new post is within `maxTransferKm` of today's, straight line.
 */
import { haversineMetres, isLngLat, type LngLat } from '../geo.js'

/** What the rule needs to know of a location. */
export interface PlacedLocation {
  townCode?: string
  lnglat?: LngLat
}

/** The transfer rule of a plan. */
export interface TransferRule {
  allowTransfers: boolean
  maxTransferKm: number
}

/** Whether moving from `from` to `to` changes town (null `from`: a worker without a post today, never a transfer). */
export function isTransfer(from: PlacedLocation | null, to: PlacedLocation): boolean {
  return from !== null && from.townCode !== undefined && to.townCode !== undefined && from.townCode !== to.townCode
}

/** Km between two locations (null without coordinates). */
export function postDistanceKm(from: PlacedLocation, to: PlacedLocation): number | null {
  return isLngLat(from.lnglat) && isLngLat(to.lnglat) ? haversineMetres(from.lnglat, to.lnglat) / 1000 : null
}

/** Whether a worker posted at `from` today may take a post at `to`. */
export function mayTake(from: PlacedLocation | null, to: PlacedLocation, rule: TransferRule): boolean {
  if (!isTransfer(from, to)) return true
  if (!rule.allowTransfers) return false
  const km = postDistanceKm(from!, to)
  return km !== null && km <= rule.maxTransferKm
}
