/** Great-circle distances for inputs that give coordinates instead of distances. */

/** A position as [longitude, latitude] in degrees (GeoJSON order, EPSG:4326). */
export type LngLat = readonly [number, number]

/** Mean Earth radius in metres (IUGG), as PostGIS ST_DistanceSphere uses. */
export const EARTH_RADIUS_M = 6_371_008.8

/** Haversine distance in metres between two [lng, lat] positions. */
export function haversineMetres(a: LngLat, b: LngLat): number {
  const rad = Math.PI / 180
  const dLat = (b[1] - a[1]) * rad
  const dLng = (b[0] - a[0]) * rad
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLng / 2) ** 2
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)))
}

/** True when `p` is a valid [lng, lat] pair. */
export function isLngLat(p: unknown): p is LngLat {
  return (
    Array.isArray(p) &&
    p.length === 2 &&
    typeof p[0] === 'number' &&
    typeof p[1] === 'number' &&
    Math.abs(p[0]) <= 180 &&
    Math.abs(p[1]) <= 90
  )
}

/** Distances given per pair (metres), keyed `table[fromId][toId]`. */
export type DistanceTable = Record<string, Record<string, number>>

/**
 * Distance in metres from `a` to `b`: the given one if the table has it, else haversine
 * between their coordinates; undefined when neither is known.
 */
export function distanceBetween(
  table: DistanceTable | undefined,
  a: { id: string; at?: LngLat },
  b: { id: string; at?: LngLat },
): number | undefined {
  const given = table?.[a.id]?.[b.id]
  if (typeof given === 'number' && Number.isFinite(given) && given >= 0) return given
  if (a.at && b.at) return haversineMetres(a.at, b.at)
  return undefined
}
