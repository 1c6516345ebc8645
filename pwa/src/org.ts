// Reads GET /api/v1/org and /api/v1/users answers into the figures the home screens show.

export interface OrgGrid {
  id: number
  code: string
  name: string
  community_id?: number
}

export interface OrgCommunity {
  id: number
  name: string
  code?: string
  grids: OrgGrid[]
}

export interface OrgSummary {
  streetName: string | null
  communities: OrgCommunity[]
  departments: { id: number; name: string }[]
  gridCount: number
}

type Loose = Record<string, unknown>

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function asList(value: unknown): Loose[] {
  return Array.isArray(value) ? value.filter(isObject) : []
}

/**
 * Summarise the caller's organisation scope. Accepts the street with nested communities and
 * grids, or flat `communities` / `grids` lists keyed by community_id, so the screen does not
 * break if the server's nesting changes.
 */
export function summarizeOrg(raw: unknown): OrgSummary {
  const root: Loose = isObject(raw) ? raw : { communities: raw }
  const street = isObject(root.street) ? root.street : null
  const communityList = asList(root.communities).length ? asList(root.communities) : asList(street?.communities)
  const flatGrids = asList(root.grids).length ? asList(root.grids) : asList(street?.grids)

  const communities: OrgCommunity[] = communityList.map((community) => {
    const nested = asList(community.grids)
    const grids = (nested.length ? nested : flatGrids.filter((g) => g.community_id === community.id)).map((grid) => ({
      id: Number(grid.id),
      code: String(grid.code ?? ''),
      name: String(grid.name ?? ''),
      community_id: Number(grid.community_id ?? community.id),
    }))
    return {
      id: Number(community.id),
      name: String(community.name ?? ''),
      code: typeof community.code === 'string' ? community.code : undefined,
      grids,
    }
  })

  const departments = (asList(root.departments).length ? asList(root.departments) : asList(street?.departments)).map(
    (dept) => ({ id: Number(dept.id), name: String(dept.name ?? '') }),
  )

  const nestedGridCount = communities.reduce((sum, c) => sum + c.grids.length, 0)
  return {
    streetName: typeof street?.name === 'string' ? street.name : null,
    communities,
    departments,
    gridCount: Math.max(nestedGridCount, flatGrids.length),
  }
}

/** How many users a /users answer counts: a `total` when paginated, else the list length. */
export function countUsers(raw: unknown): number {
  if (Array.isArray(raw)) return raw.length
  if (!isObject(raw)) return 0
  if (typeof raw.total === 'number') return raw.total
  for (const key of ['users', 'items', 'data']) {
    if (Array.isArray(raw[key])) return (raw[key] as unknown[]).length
  }
  return 0
}
