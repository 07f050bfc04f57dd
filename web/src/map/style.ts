/**
 * The base style: a plain background (no external basemap, tiles, fonts or sprites; the
 * optional raster basemap of the settings is added by CoverageMap). Labels need no glyph
 * server: with no `glyphs` URL, MapLibre draws every glyph locally with the fonts below (TinySDF).
 */
import type { StyleSpecification } from 'maplibre-gl'

/** Font stacks for labels: local CJK fonts first, the browser's sans-serif last. */
export const FONT = ['Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei']
/** MapLibre takes the weight from the first name: "Bold" draws the stack in bold. */
export const FONT_BOLD = ['Noto Sans CJK SC Bold', ...FONT]

export const BACKGROUND = '#eceee9'

export function baseStyle(): StyleSpecification {
  return {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }],
  }
}

/**
 * Layers start hidden and are shown when their source first gets data: a hidden source
 * makes no tiles, so nothing is tiled twice (at the starting camera, then at the fitted one).
 */
export function hideAll(map: import('maplibre-gl').Map): void {
  for (const id of map.getLayersOrder()) if (id !== 'background' && id !== 'basemap') map.setLayoutProperty(id, 'visibility', 'none')
}

export function reveal(map: import('maplibre-gl').Map, ...sources: string[]): void {
  for (const id of map.getLayersOrder()) {
    const layer = map.getLayer(id)
    if (layer && 'source' in layer && sources.includes(layer.source as string) && map.getLayoutProperty(id, 'visibility') === 'none') {
      map.setLayoutProperty(id, 'visibility', 'visible')
    }
  }
}
