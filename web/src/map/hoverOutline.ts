/**
 * The outline of the hovered village, drawn on a transparent 2D canvas over the map.
 *
 * One polygon changes with every village the pointer crosses. As a map layer it would cost
 * either a line layer over every village (tiled for the whole city before the first paint)
 * or a worker round trip and a re-tiling per hover; drawn here it costs projecting one
 * polygon, redrawn after each map frame so it moves with the map.
 */
import type { Geometry, Position } from 'geojson'
import type { Map as MapLibreMap } from 'maplibre-gl'

const COLOUR = '#0b1320'

export class HoverOutline {
  private readonly canvas: HTMLCanvasElement
  private readonly ctx: CanvasRenderingContext2D
  private rings: Position[][] = []
  private readonly redraw = () => this.draw()

  constructor(private readonly map: MapLibreMap) {
    this.canvas = document.createElement('canvas')
    this.canvas.className = 'hover-outline'
    this.canvas.setAttribute('aria-hidden', 'true')
    Object.assign(this.canvas.style, { position: 'absolute', left: '0', top: '0', pointerEvents: 'none' })
    map.getCanvasContainer().appendChild(this.canvas)
    this.ctx = this.canvas.getContext('2d')!
    map.on('render', this.redraw)
    map.on('resize', this.redraw)
  }

  /** Outlines a polygon or multipolygon (null: nothing). */
  set(geometry: Geometry | null | undefined): void {
    const rings: Position[][] = []
    if (geometry?.type === 'Polygon') rings.push(...geometry.coordinates)
    else if (geometry?.type === 'MultiPolygon') for (const polygon of geometry.coordinates) rings.push(...polygon)
    if (rings.length === 0 && this.rings.length === 0) return
    this.rings = rings
    this.draw()
  }

  remove(): void {
    this.map.off('render', this.redraw)
    this.map.off('resize', this.redraw)
    this.canvas.remove()
  }

  private draw(): void {
    const source = this.map.getCanvas()
    const width = source.clientWidth
    const height = source.clientHeight
    const ratio = window.devicePixelRatio || 1
    if (this.canvas.width !== Math.round(width * ratio) || this.canvas.height !== Math.round(height * ratio)) {
      this.canvas.width = Math.round(width * ratio)
      this.canvas.height = Math.round(height * ratio)
      this.canvas.style.width = `${width}px`
      this.canvas.style.height = `${height}px`
    }
    const ctx = this.ctx
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0)
    ctx.clearRect(0, 0, width, height)
    if (this.rings.length === 0) return
    ctx.beginPath()
    for (const ring of this.rings) {
      ring.forEach((position, k) => {
        const p = this.map.project([position[0], position[1]])
        if (k === 0) ctx.moveTo(p.x, p.y)
        else ctx.lineTo(p.x, p.y)
      })
      ctx.closePath()
    }
    const zoom = this.map.getZoom()
    ctx.lineWidth = zoom <= 8 ? 1.5 : zoom >= 12 ? 2.5 : 1.5 + (zoom - 8) / 4
    ctx.lineJoin = 'round'
    ctx.strokeStyle = COLOUR
    ctx.stroke()
  }
}
