/**
 * The map as a PNG for reports: the map canvas as drawn (labels included), with the title,
 * the legend and a footer (date, synthetic-data note) drawn on top.
 */
import type { Map as MapLibreMap } from 'maplibre-gl'
import type { LegendRow } from './legend'

export interface PngDecorations {
  title: string
  subtitle: string
  legendTitle: string
  legendUnit: string
  rows: LegendRow[]
  footer: string
}

/** Reads the WebGL canvas inside a render event, while its drawing buffer is still valid. */
function grabMap(map: MapLibreMap): Promise<HTMLCanvasElement> {
  return new Promise((resolve) => {
    map.once('render', () => {
      const src = map.getCanvas()
      const out = document.createElement('canvas')
      out.width = src.width
      out.height = src.height
      out.getContext('2d')!.drawImage(src, 0, 0)
      resolve(out)
    })
    map.triggerRepaint()
  })
}

export async function exportMapPng(map: MapLibreMap, d: PngDecorations): Promise<Blob> {
  const canvas = await grabMap(map)
  const ctx = canvas.getContext('2d')!
  const r = canvas.width / map.getCanvas().clientWidth || 1
  ctx.scale(r, r)
  const font = (size: number, weight = 400) => `${weight} ${size}px "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif`
  const box = (x: number, y: number, w: number, h: number) => {
    ctx.fillStyle = 'rgba(255,255,255,0.93)'
    ctx.strokeStyle = 'rgba(17,24,39,0.18)'
    ctx.lineWidth = 1
    ctx.beginPath()
    ctx.roundRect(x, y, w, h, 6)
    ctx.fill()
    ctx.stroke()
  }
  // Title
  ctx.font = font(18, 700)
  const titleW = Math.max(ctx.measureText(d.title).width, (ctx.font = font(12), ctx.measureText(d.subtitle).width))
  box(12, 12, titleW + 24, 56)
  ctx.fillStyle = '#111827'
  ctx.font = font(18, 700)
  ctx.fillText(d.title, 24, 36)
  ctx.font = font(12)
  ctx.fillStyle = '#4b5563'
  ctx.fillText(d.subtitle, 24, 56)
  // Legend
  const h = map.getCanvas().clientHeight
  const rowH = 20
  ctx.font = font(12)
  const legendW = Math.max(160, ...d.rows.map((row) => ctx.measureText(`${row.label}  (${row.count})`).width + 44))
  const legendH = 46 + d.rows.length * rowH
  const ly = h - legendH - 34
  box(12, ly, legendW, legendH)
  ctx.fillStyle = '#111827'
  ctx.font = font(13, 700)
  ctx.fillText(d.legendTitle, 22, ly + 20)
  ctx.font = font(11)
  ctx.fillStyle = '#4b5563'
  ctx.fillText(d.legendUnit, 22, ly + 36)
  d.rows.forEach((row, i) => {
    const y = ly + 46 + i * rowH
    ctx.fillStyle = row.color
    ctx.fillRect(22, y + 3, 16, 12)
    ctx.strokeStyle = 'rgba(0,0,0,0.25)'
    ctx.strokeRect(22, y + 3, 16, 12)
    ctx.fillStyle = '#1f2937'
    ctx.font = font(12)
    ctx.fillText(`${row.label}  (${row.count})`, 46, y + 13)
  })
  // Footer
  ctx.font = font(11)
  const fw = ctx.measureText(d.footer).width
  box(12, h - 28, fw + 16, 20)
  ctx.fillStyle = '#374151'
  ctx.fillText(d.footer, 20, h - 14)
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG export failed'))), 'image/png'))
}
