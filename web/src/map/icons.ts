/**
 * Map symbols drawn on a canvas at start (no sprite file): station (社工站), service point
 * (社工点) and the arrowhead of a worker move. Drawn at 2× for sharp edges.
 */
import type { Map as MapLibreMap } from 'maplibre-gl'

const RATIO = 2

function draw(size: number, paint: (ctx: CanvasRenderingContext2D, s: number) => void): ImageData {
  const px = size * RATIO
  const canvas = document.createElement('canvas')
  canvas.width = canvas.height = px
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!
  ctx.scale(RATIO, RATIO)
  paint(ctx, size)
  return ctx.getImageData(0, 0, px, px)
}

export const STATION_COLOR = '#114b5f'
export const POINT_COLOR = '#1b6e8a'

export function addIcons(map: MapLibreMap): void {
  // Station: a dark house-shaped badge with a white door.
  map.addImage(
    'station',
    draw(22, (ctx, s) => {
      ctx.fillStyle = '#ffffff'
      ctx.beginPath()
      ctx.moveTo(s / 2, 1)
      ctx.lineTo(s - 1, s / 2 - 1)
      ctx.lineTo(s - 2.5, s / 2 - 1)
      ctx.lineTo(s - 2.5, s - 1)
      ctx.lineTo(2.5, s - 1)
      ctx.lineTo(2.5, s / 2 - 1)
      ctx.lineTo(1, s / 2 - 1)
      ctx.closePath()
      ctx.fill()
      ctx.fillStyle = STATION_COLOR
      ctx.beginPath()
      ctx.moveTo(s / 2, 3.5)
      ctx.lineTo(s - 4, s / 2)
      ctx.lineTo(s - 4, s - 2.5)
      ctx.lineTo(4, s - 2.5)
      ctx.lineTo(4, s / 2)
      ctx.closePath()
      ctx.fill()
      ctx.fillStyle = '#ffffff'
      ctx.fillRect(s / 2 - 2, s - 9, 4, 6.5)
    }),
    { pixelRatio: RATIO },
  )
  // Service point: a white disc with a coloured ring and centre.
  map.addImage(
    'service-point',
    draw(14, (ctx, s) => {
      ctx.fillStyle = '#ffffff'
      ctx.beginPath()
      ctx.arc(s / 2, s / 2, s / 2 - 0.5, 0, 2 * Math.PI)
      ctx.fill()
      ctx.strokeStyle = POINT_COLOR
      ctx.lineWidth = 2
      ctx.beginPath()
      ctx.arc(s / 2, s / 2, s / 2 - 2, 0, 2 * Math.PI)
      ctx.stroke()
      ctx.fillStyle = POINT_COLOR
      ctx.beginPath()
      ctx.arc(s / 2, s / 2, 2.2, 0, 2 * Math.PI)
      ctx.fill()
    }),
    { pixelRatio: RATIO },
  )
  // Arrowhead pointing north (rotated by the move's bearing); white so it can be tinted (SDF).
  map.addImage(
    'arrowhead',
    draw(16, (ctx, s) => {
      ctx.fillStyle = '#ffffff'
      ctx.beginPath()
      ctx.moveTo(s / 2, 1)
      ctx.lineTo(s - 2, s - 2)
      ctx.lineTo(s / 2, s - 5)
      ctx.lineTo(2, s - 2)
      ctx.closePath()
      ctx.fill()
    }),
    { pixelRatio: RATIO, sdf: true },
  )
}
