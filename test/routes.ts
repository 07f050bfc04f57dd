/** Lists the app's routes as OpenAPI-style paths (`/api/divisions/{code}`), for the contract test. */
import type { Database } from '../server/db/connection.js'
import { createApp } from '../server/app.js'

interface Layer {
  route?: { path: string }
  handle?: { stack?: Layer[] }
}

export function appRoutes(db: Database): string[] {
  const app = createApp(db, { serveWeb: false }) as unknown as { router: { stack: Layer[] } }
  const paths = new Set<string>()
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) paths.add(layer.route.path.replace(/:(\w+)/g, '{$1}'))
      else if (layer.handle?.stack) walk(layer.handle.stack)
    }
  }
  walk(app.router.stack)
  return [...paths]
}
