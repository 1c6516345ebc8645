// The register as the pull feed carries it (server/register/service.py *_data): absent keys are
// null or the stated default (status present, no tags, care tier none).
import type { Label } from '../forms/types'

/** Where a building stands, WGS-84 (server/maps): GPS with its accuracy, a tap, or a supervisor. */
export interface BuildingPoint {
  lat: number
  lng: number
  accuracy?: number
  source?: 'gps' | 'tap' | 'supervisor'
  /** Accuracy worse than 100 m: drawn, but never used for hints. */
  imprecise?: boolean
}

export interface Building {
  id: string
  grid_id: number
  name: string
  address?: string
  version?: number
  point?: BuildingPoint
}

export type HousingType = 'own' | 'rent' | 'group_rental'

export interface Household {
  id: string
  building_id?: string
  grid_id: number
  unit?: string
  room?: string
  address?: string
  housing_type?: HousingType
  head_name: string
  phone_masked?: string
  notes?: string
  version?: number
  updated_at?: string
}

export type Gender = 'male' | 'female'
export type ResidentStatus = 'present' | 'away' | 'moved_out' | 'deceased'
export type CareTier = 'high' | 'key' | 'general' | 'none'

export interface Resident {
  id: string
  household_id: string
  grid_id: number
  name: string
  gender: Gender
  birth_date: string
  age?: number
  id_number_masked?: string
  phone_masked?: string
  relation?: string
  /** Absent: present (在住). */
  status?: ResidentStatus
  tags?: string[]
  /** Absent: none (not on the visit list). */
  care_tier?: CareTier
  care_tier_override?: CareTier
  care_tier_reason?: string
  last_visit_at?: string
  last_contact_method?: string
  /** ISO date, Asia/Shanghai. */
  next_visit_due?: string
  visit_flag?: string
  major_change_at?: string
  not_reached_streak?: number
  version?: number
}

export interface CatalogueItem {
  code: string
  label: Label
  /** care_tiers: days between welfare visits. */
  interval_days?: number
  subcategories?: CatalogueItem[]
}

export interface Catalogue {
  id: string
  items: CatalogueItem[]
}

/** resubmitted: it was returned and a later submission names it (payload.resubmits). */
export type ReviewStatus = 'received' | 'returned' | 'accepted' | 'rejected' | 'resubmitted'

/** An own submission as the pull feed ("submission") and GET /submissions/mine carry it. */
export interface SubmissionState {
  id: string
  kind: string
  template?: { key: string; version: number }
  grid_id?: number
  household_id?: string
  resident_id?: string
  created_at?: string
  received_at?: string
  review_status?: ReviewStatus
  review_comment?: string
  case_id?: string
  case_state?: string
  version?: number
}

/** How a record on screen differs from the server's copy because of the worker's own outbox. */
export type LocalMark = 'pending' | 'needs_fix' | 'conflict' | null

/** The fields of an outbox item the register screens read (OutboxItem fits). */
export interface QueuedItem {
  id: string
  kind: string
  status: string
  payload: Record<string, unknown>
  created_at: string
  updated_at?: string
  template?: { key: string; version: number } | null
  photos?: string[]
  location?: { lat: number; lng: number; accuracy?: number } | null
  server_result?: Record<string, unknown> | null
  error?: { code: string; message: string } | null
  errors?: Record<string, string[]> | null
}
