/** Typed fetch helpers for the JSON API; errors carry the server's problem detail. */
export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path)
  const body = await res.json().catch(() => null)
  if (!res.ok) throw new Error(body?.detail ?? `${res.status} ${res.statusText}`)
  return body as T
}
