/**
 * The view in the URL, so that a link shows the same map: division `d`, metric `m`,
 * selection `s` (v:village, t:town, c:county, st:station, sp:service point), panel `tab`,
 * plan under review `plan`, and the camera `map=zoom/lat/lng`.
 */
export interface UrlState {
  d?: string
  m?: string
  s?: string
  tab?: string
  plan?: string
  map?: string
  lang?: string
}

const KEYS: (keyof UrlState)[] = ['d', 'm', 's', 'tab', 'plan', 'map', 'lang']

export function readUrl(): UrlState {
  const q = new URLSearchParams(location.search)
  const out: UrlState = {}
  for (const k of KEYS) {
    const v = q.get(k)
    if (v) out[k] = v
  }
  return out
}

export function urlOf(state: UrlState): string {
  const q = new URLSearchParams()
  for (const k of KEYS) if (state[k]) q.set(k, state[k]!)
  const s = q.toString()
  return `${location.pathname}${s ? `?${s}` : ''}`
}

/** Writes the state; `push` adds a history entry (a new division), otherwise replaces. */
export function writeUrl(state: UrlState, push: boolean): void {
  const url = urlOf(state)
  if (url === `${location.pathname}${location.search}`) return
  if (push) history.pushState(null, '', url)
  else history.replaceState(null, '', url)
}

export interface Camera {
  zoom: number
  lat: number
  lng: number
}

export function parseCamera(s: string | undefined): Camera | null {
  if (!s) return null
  const [zoom, lat, lng] = s.split('/').map(Number)
  if (![zoom, lat, lng].every(Number.isFinite) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return null
  return { zoom, lat, lng }
}

export function formatCamera(c: Camera): string {
  return `${c.zoom.toFixed(2)}/${c.lat.toFixed(5)}/${c.lng.toFixed(5)}`
}
