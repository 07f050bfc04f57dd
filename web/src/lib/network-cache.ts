/**
 * The requests for the network of a view, each answer kept until the data changes (a plan
 * applied, a sign-out): coverage reports, division outlines, workers of a town. A request
 * that fails is forgotten, so the next call asks again.
 */
import { getJson, takePrefetched } from './api'
import { levelOf } from './roles'
import { childLevel, CODE_LENGTH, type DivisionLevel } from '../../../geodata/codes'
import type { CoverageReport, DivisionChildren, Workers } from './types'

export class NetworkCache {
  private coverages = new Map<string, CoverageReport>()
  private requests = new Map<string, Promise<unknown>>()

  /** The coverage report of a division (the one index.html prefetched, if it did). */
  async coverage(code: string): Promise<CoverageReport> {
    const cached = this.coverages.get(code)
    if (cached) return cached
    const path = `/api/coverage?within=${code}`
    const report = await (takePrefetched<CoverageReport>(path) ?? getJson<CoverageReport>(path))
    performance.mark('shuangbai:coverage-received')
    this.coverages.set(code, report)
    return report
  }

  /** The children of a division as GeoJSON. */
  children(code: string): Promise<DivisionChildren> {
    return this.get<DivisionChildren>(`/api/divisions/${code}/children`)
  }

  /** The divisions of `level` within `code` (its children, their children …), with geometry, in one request. */
  async descendants(code: string, level: DivisionLevel): Promise<DivisionChildren> {
    const below = childLevel(levelOf(code))
    if (!below || CODE_LENGTH[below] > CODE_LENGTH[level]) return { type: 'FeatureCollection', features: [] } as DivisionChildren
    return below === level ? this.children(code) : this.get<DivisionChildren>(`/api/divisions/${code}/children?level=${level}`)
  }

  /** The workers of a town. */
  workersOf(townCode: string): Promise<Workers> {
    return this.get<Workers>(`/api/workers?within=${townCode}`)
  }

  /** Forgets every answer (the data changed, or another user signs in). */
  clear(): void {
    this.coverages.clear()
    this.requests.clear()
  }

  private get<T>(path: string): Promise<T> {
    let p = this.requests.get(path) as Promise<T> | undefined
    if (!p) {
      p = getJson<T>(path)
      p.catch(() => this.requests.delete(path))
      this.requests.set(path, p)
    }
    return p
  }
}
