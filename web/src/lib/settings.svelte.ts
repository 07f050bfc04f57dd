/**
 * User settings kept in this browser: an optional raster basemap URL (e.g. a Tianditu or
 * in-house tile server: https://host/{z}/{x}/{y}.png). Empty by default: the app needs no
 * external network at all.
 */
const KEY = 'shuangbai.settings'

interface Stored {
  basemapUrl: string
  basemapAttribution: string
}

function load(): Stored {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Stored>
    return { basemapUrl: s.basemapUrl ?? '', basemapAttribution: s.basemapAttribution ?? '' }
  } catch {
    return { basemapUrl: '', basemapAttribution: '' }
  }
}

/** Whether a tile URL template looks usable: http(s) with {z}, {x} and {y}. */
export function validBasemapUrl(url: string): boolean {
  return /^https?:\/\/\S+$/.test(url) && ['{z}', '{x}', '{y}'].every((k) => url.includes(k))
}

class Settings {
  basemapUrl = $state(load().basemapUrl)
  basemapAttribution = $state(load().basemapAttribution)

  save(next: Stored): void {
    this.basemapUrl = next.basemapUrl.trim()
    this.basemapAttribution = next.basemapAttribution.trim()
    try {
      localStorage.setItem(KEY, JSON.stringify({ basemapUrl: this.basemapUrl, basemapAttribution: this.basemapAttribution }))
    } catch {
      // kept for this session only
    }
  }
}

export const settings = new Settings()
