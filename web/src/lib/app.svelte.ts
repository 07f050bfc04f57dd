/**
 * The shared state of the signed-in app: who is signed in, which division is shown,
 * its coverage report and network, the chosen metric, the selection and the panel tab.
 * Components read it and call its methods; the map reacts to it (map/CoverageMap.svelte),
 * and the URL mirrors it (lib/url.ts). Its parts live beside it: the requests and their
 * cache (network-cache.ts), the selection and the tabs (selection.ts), what the app knows
 * of the map (map-view.ts).
 */
import { errorText, getJson } from './api'
import { levelOf } from './roles'
import { cityOf, countyOf, isDivisionCode, isLevel, isWithin, NATION, townOf } from '../../../geodata/codes'
import { formatCamera, parseCamera, readUrl, writeUrl, type Camera } from './url'
import { METRIC_IDS, scaleFor, type MetricId } from '../map/metrics'
import { NetworkCache } from './network-cache'
import { DrawnSignal, selectionBBox, selectionPoint, type HoverInfo, type MapControl } from './map-view'
import { selectionFromString, selectionToString, tabOf, tabsFor, type Selection, type Tab } from './selection'
import type { AreaCoverage, CoverageReport, DivisionChildren, DivisionDetail, DivisionRow, GridUnits, ServicePoints, Stations, User, VillageFeature, Workers } from './types'

// The one entry of the app's state: components import these from here.
export { tabsFor, type Selection, type SelectionKind, type Tab } from './selection'
export type { HoverInfo, MapControl } from './map-view'

/** Remembered for the prefetch in index.html (the last division shown, the user's scope). */
const HOME_KEY = 'shuangbai.home'
const SCOPE_KEY = 'shuangbai.scope'

function remember(key: string, value: string): void {
  try {
    localStorage.setItem(key, value)
  } catch {
    // no prefetch next time
  }
}

class AppState {
  user = $state.raw<User | null>(null)
  roots = $state.raw<DivisionRow[]>([])
  within = $state('')
  division = $state.raw<DivisionDetail | null>(null)
  coverage = $state.raw<CoverageReport | null>(null)
  loading = $state(false)
  error = $state<string | null>(null)
  metric = $state<MetricId>('status')
  selection = $state.raw<Selection | null>(null)
  tab = $state<Tab>('dashboard')
  hover = $state.raw<HoverInfo | null>(null)
  stations = $state.raw<Stations | null>(null)
  points = $state.raw<ServicePoints | null>(null)
  gridUnits = $state.raw<GridUnits | null>(null)
  /** County outlines around the view (children of the city, when in scope). */
  counties = $state.raw<DivisionChildren | null>(null)
  /** Town outlines of the view (children of the county or counties). */
  towns = $state.raw<DivisionChildren | null>(null)
  /** The camera as written in the URL, or null to fit the division. */
  camera = $state<string | null>(null)
  /** Set by the map when the coverage of `within` is drawn. */
  drawnWithin = $state('')
  map: MapControl | null = null

  scale = $derived(this.coverage ? scaleFor(this.metric, this.coverage) : null)
  villageByCode = $derived(new Map((this.coverage?.villages.features ?? []).map((f) => [f.properties.code, f] as [string, VillageFeature])))
  townByCode = $derived(new Map((this.coverage?.towns ?? []).map((t) => [t.code, t] as [string, AreaCoverage])))
  level = $derived(levelOf(this.within))

  private cache = new NetworkCache()
  private drawn = new DrawnSignal()
  private loadToken = 0
  private popping = false

  /** Whether a division code lies within the user's scope (requests outside it answer 404). */
  inScope(code: string): boolean {
    return !!this.user && isWithin(code, this.user.scope)
  }

  /** Signs in the user and opens the view of the URL, or the user's starting division. */
  async start(user: User): Promise<void> {
    this.user = user
    const url = readUrl()
    if (url.m && (METRIC_IDS as readonly string[]).includes(url.m)) this.metric = url.m as MetricId
    this.tab = tabOf(url.tab, user)
    this.camera = parseCamera(url.map) ? url.map! : null
    const wanted = url.d && isDivisionCode(url.d) && !isLevel(url.d, 'village') && this.inScope(url.d) ? url.d : null
    // The division to show first, then the lists the pickers need: one database connection
    // serves the requests in turn, and the coverage must not wait behind them.
    const first = wanted ?? (user.scope !== NATION ? this.homeOf(user, []) : null)
    const selection = selectionFromString(url.s)
    remember(SCOPE_KEY, user.scope)
    if (first) {
      void this.open(first, { push: false, selection, keepCamera: true })
      await this.whenDrawn(first)
      this.roots = (await getJson<{ divisions: DivisionRow[] }>('/api/divisions')).divisions
    } else {
      this.roots = (await getJson<{ divisions: DivisionRow[] }>('/api/divisions')).divisions
      const home = this.homeOf(user, this.roots)
      if (home) void this.open(home, { push: false, selection, keepCamera: true })
    }
    window.addEventListener('popstate', () => void this.onPopState())
  }

  /** The starting division of a user: their scope (a village's town), or the first root of the national scope. */
  homeOf(user: User, roots: DivisionRow[]): string | null {
    if (user.scope === NATION) return roots[0]?.code ?? null
    return isLevel(user.scope, 'village') ? townOf(user.scope) : user.scope
  }

  signOut(): void {
    this.user = null
    this.coverage = null
    this.cache.clear()
    try {
      localStorage.removeItem(HOME_KEY)
      localStorage.removeItem(SCOPE_KEY)
    } catch {
      // nothing stored
    }
  }

  /** Opens a division (province, city, county or town): its coverage first (the map), then the rest. */
  async open(code: string, opts: { push?: boolean; selection?: Selection | null; keepCamera?: boolean } = {}): Promise<void> {
    const token = ++this.loadToken
    const changed = code !== this.within
    this.within = code
    this.error = null
    if (!opts.keepCamera) this.camera = null
    if (changed || opts.selection !== undefined) this.selection = opts.selection ?? null
    if (changed && this.tab === 'details' && !this.selection) this.tab = 'dashboard'
    this.syncUrl(opts.push ?? true)
    remember(HOME_KEY, code)
    this.loading = true
    try {
      const coverage = await this.cache.coverage(code)
      if (token !== this.loadToken) return
      // The map first, then the panels: rendering them competes with the map's tiling and
      // drawing for the CPU, and the map is what the user waits for.
      // (A report the map already shows is marked drawn again at once.)
      this.drawnWithin = ''
      if (this.map?.showCoverage(coverage)) {
        await this.whenDrawn(code)
        if (token !== this.loadToken) return
      }
      this.coverage = coverage
      this.loading = false
      this.syncUrl(false)
      // Outlines, labels and the network once the map has drawn the villages.
      await this.whenDrawn(code)
      if (token !== this.loadToken) return
      await this.loadContext(code, token)
    } catch (e) {
      if (token === this.loadToken) {
        this.error = errorText(e)
        this.loading = false
      }
    }
  }

  /** Called by the map when the villages of `code` are on screen. */
  markDrawn(code: string): void {
    this.drawnWithin = code
    this.drawn.mark(code)
  }

  /** Resolves when the map has drawn the villages of `code` (or after a few seconds without a map). */
  private whenDrawn(code: string): Promise<void> {
    return this.drawnWithin === code ? Promise.resolve() : this.drawn.wait(code)
  }

  /** Division summary, outlines and network of the view, after the first paint. */
  private async loadContext(code: string, token: number): Promise<void> {
    // The counties of the city (of the province in its view), and the towns of the county or of the view.
    const top = cityOf(code) ?? code
    const county = countyOf(code)
    const division = getJson<DivisionDetail>(`/api/divisions/${code}`)
    const counties = this.inScope(top) ? this.cache.descendants(top, 'county') : null
    const towns = county ? this.cache.children(county) : this.cache.descendants(code, 'town')
    const live = () => token === this.loadToken
    division.then((d) => live() && (this.division = d)).catch(() => {})
    if (counties) counties.then((c) => live() && (this.counties = c)).catch(() => {})
    else this.counties = null
    towns.then((t) => live() && (this.towns = t)).catch(() => {})
    const [stations, points] = await Promise.all([
      getJson<Stations>(`/api/stations?within=${code}`),
      getJson<ServicePoints>(`/api/service-points?within=${code}`),
    ])
    if (!live()) return
    this.stations = stations
    this.points = points
    const units = await getJson<GridUnits>(`/api/grid-units?within=${code}`)
    if (live()) this.gridUnits = units
  }

  /** The children of a division as GeoJSON (cached). */
  children(code: string): Promise<DivisionChildren> {
    return this.cache.children(code)
  }

  /** The workers of a town (cached until data changes). */
  workersOf(townCode: string): Promise<Workers> {
    return this.cache.workersOf(townCode)
  }

  /** After a plan is applied: forget cached data and reload the view. */
  async reload(): Promise<void> {
    this.cache.clear()
    await this.open(this.within, { push: false, selection: this.selection, keepCamera: true })
  }

  setMetric(m: MetricId): void {
    this.metric = m
    this.syncUrl(false)
  }

  setTab(tab: Tab): void {
    this.tab = tab
    this.syncUrl(false)
  }

  /** Selects a feature, shows its details and (optionally) flies to it. */
  select(sel: Selection | null, opts: { fly?: boolean; tab?: boolean } = {}): void {
    this.selection = sel
    if (sel && opts.tab !== false) this.tab = 'details'
    if (sel && opts.fly) this.flyTo(sel)
    this.syncUrl(false)
  }

  /** The position of a selected station or service point, when the view has it. */
  pointOf(sel: Selection): [number, number] | null {
    return selectionPoint(sel, this)
  }

  flyTo(sel: Selection): void {
    if (!this.map) return
    const point = sel.kind === 'station' || sel.kind === 'point' ? this.pointOf(sel) : null
    if (point) return this.map.flyToPoint(point, 13)
    const box = selectionBBox(sel, this)
    if (box) this.map.fitBBox(box, sel.kind === 'village' ? 13.5 : 12)
  }

  setCamera(c: Camera): void {
    this.camera = formatCamera(c)
    this.syncUrl(false)
  }

  /** Extra URL state owned by other stores (the plan under review). */
  urlExtras: () => { plan?: string } = () => ({})

  syncUrl(push: boolean): void {
    if (this.popping || !this.within) return
    const lang = new URLSearchParams(location.search).get('lang') ?? undefined
    writeUrl(
      {
        d: this.within,
        m: this.metric === 'status' ? undefined : this.metric,
        s: selectionToString(this.selection),
        tab: this.tab === tabsFor(this.user)[0] ? undefined : this.tab,
        map: this.camera ?? undefined,
        lang,
        ...this.urlExtras(),
      },
      push,
    )
  }

  private async onPopState(): Promise<void> {
    const url = readUrl()
    this.popping = true
    try {
      this.metric = url.m && (METRIC_IDS as readonly string[]).includes(url.m) ? (url.m as MetricId) : 'status'
      this.tab = tabOf(url.tab, this.user)
      this.camera = parseCamera(url.map) ? url.map! : null
      const code = url.d && this.inScope(url.d) ? url.d : this.within
      if (code !== this.within) void this.open(code, { push: false, selection: selectionFromString(url.s), keepCamera: true })
      else this.selection = selectionFromString(url.s)
    } finally {
      this.popping = false
    }
  }
}

export const app = new AppState()
