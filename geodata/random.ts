/**
 * A small seeded pseudo-random number generator (sfc32, "small fast counter") and the
 * draws the generator needs. Never Math.random: every number of the demo comes from here,
 * so the same seed gives the same bytes.
 */

/** 32-bit string hash (FNV-1a followed by a murmur-style finaliser), used to derive seeds. */
export function hash32(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** A deterministic stream of pseudo-random numbers. */
export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number

  /** Seeds the stream from any list of keys (numbers or strings), e.g. (seed, '4402', 'towns'). */
  constructor(...keys: (string | number)[]) {
    const text = keys.join('\u0001')
    this.a = hash32(`a${text}`)
    this.b = hash32(`b${text}`)
    this.c = hash32(`c${text}`)
    this.d = 1
    for (let i = 0; i < 12; i++) this.next() // warm up: decorrelate nearby keys
  }

  /** A uniform float in [0, 1) with 32 bits of randomness. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return (t >>> 0) / 4294967296
  }

  /** A uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next()
  }

  /** A uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }

  /** true with probability p. */
  chance(p: number): boolean {
    return this.next() < p
  }

  /** A standard normal draw (Box-Muller). */
  normal(): number {
    const u = 1 - this.next() // (0, 1]
    const v = this.next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice()
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1))
      const tmp = out[i]
      out[i] = out[j]
      out[j] = tmp
    }
    return out
  }

  /** Rounds x to an integer up or down at random, so that the expectation stays x. */
  roundStochastic(x: number): number {
    const f = Math.floor(x)
    return f + (this.next() < x - f ? 1 : 0)
  }
}
