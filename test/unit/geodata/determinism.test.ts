import { describe, expect, it } from 'vitest'
import { generateDataset } from '../../../geodata/generate.js'
import { Rng } from '../../../geodata/random.js'

describe('determinism', () => {
  it('gives identical JSON for the same scope and seed, different data for another seed', () => {
    const a = JSON.stringify(generateDataset({ city: '4402' }, { seed: 7 }))
    const b = JSON.stringify(generateDataset({ city: '4402' }, { seed: 7 }))
    expect(b === a).toBe(true)
    const c = generateDataset({ city: '4402' }, { seed: 8 })
    expect(JSON.stringify(c) === a).toBe(false)
    // Another seed changes the synthetic data, never the real names and codes.
    const codes = (json: string) => (JSON.parse(json).divisions as { code: string }[]).map((d) => d.code)
    expect(c.divisions.map((d) => d.code)).toEqual(codes(a))
    const geometryOf = (data: { divisions: { code: string; geometry: unknown }[] }, code: string) =>
      JSON.stringify(data.divisions.find((d) => d.code === code)!.geometry)
    expect(geometryOf(c, '440203001')).not.toBe(geometryOf(JSON.parse(a), '440203001'))
  })

  it('uses the default seed 1 when none is given', () => {
    expect(JSON.stringify(generateDataset({ city: '4420' }))).toBe(JSON.stringify(generateDataset({ city: '4420' }, { seed: 1 })))
  })
})

describe('Rng', () => {
  it('repeats its stream for the same keys and differs for other keys', () => {
    const draw = (...keys: (string | number)[]) => {
      const r = new Rng(...keys)
      return Array.from({ length: 5 }, () => r.next())
    }
    expect(draw(1, '4402')).toEqual(draw(1, '4402'))
    expect(draw(1, '4402')).not.toEqual(draw(2, '4402'))
    expect(draw(1, '4402')).not.toEqual(draw(1, '4403'))
    for (const x of draw(3)) expect(x >= 0 && x < 1).toBe(true)
  })
})
