// The register's code lists with zh/en labels: the pulled catalogue when the phone has it,
// else these copies of server/register/catalogue.py (a new phone still shows words, not codes).
import type { Label, LabelLanguage } from '../forms/types'
import { labelText } from '../forms/types'
import type { Catalogue, CatalogueItem } from './types'

function items(...rows: [string, string, string][]): CatalogueItem[] {
  return rows.map(([code, zh, en]) => ({ code, label: { zh, en } }))
}

export const BUILTIN_CATALOGUES: Record<string, CatalogueItem[]> = {
  housing_types: items(
    ['own', '自有', 'owner-occupied'],
    ['rent', '租住', 'rented'],
    ['group_rental', '群租', 'group rental'],
  ),
  genders: items(['male', '男', 'male'], ['female', '女', 'female']),
  resident_relations: items(
    ['head', '户主本人', 'head of household'],
    ['spouse', '配偶', 'spouse'],
    ['child', '子女', 'child'],
    ['child_in_law', '儿媳/女婿', 'child-in-law'],
    ['grandchild', '孙子女/外孙子女', 'grandchild'],
    ['parent', '父母', 'parent'],
    ['sibling', '兄弟姐妹', 'sibling'],
    ['other_relative', '其他亲属', 'other relative'],
    ['tenant', '租客', 'tenant'],
    ['other', '其他', 'other'],
  ),
  resident_statuses: items(
    ['present', '在住', 'living here'],
    ['away', '外出', 'away'],
    ['moved_out', '迁出', 'moved out'],
    ['deceased', '去世', 'deceased'],
  ),
  resident_tags: items(
    ['living_alone', '独居', 'living alone'],
    ['empty_nest', '空巢', 'empty nest'],
    ['aged', '高龄', 'advanced age (80+)'],
    ['disabled', '残疾', 'disability'],
    ['disabled_care', '失能', 'loss of self-care ability'],
    ['lost_only_child', '失独', 'lost their only child'],
    ['low_income', '低保', 'minimum living allowance'],
    ['extreme_hardship', '特困', 'extreme hardship support'],
    ['special_care', '优抚对象', 'special-care beneficiary'],
    ['military_family', '现役军人家属', 'family of active serviceman'],
    ['critical_illness', '重病', 'life-threatening illness'],
  ),
  care_tiers: items(
    ['high', '重点高风险', 'high risk'],
    ['key', '重点', 'key'],
    ['general', '一般', 'general'],
    ['none', '无需巡访', 'not on the visit list'],
  ),
}

/** One list: the pulled one when present and not empty, else the built-in copy. */
export function catalogueItems(catalogues: Catalogue[], id: string): CatalogueItem[] {
  const pulled = catalogues.find((c) => c.id === id)?.items
  return pulled && pulled.length ? pulled : (BUILTIN_CATALOGUES[id] ?? [])
}

/** code → label of one list, for showing stored codes in words. */
export function labeller(
  catalogues: Catalogue[],
  id: string,
  lang: LabelLanguage,
): (code: string | null | undefined) => string {
  const map = new Map<string, Label>(catalogueItems(catalogues, id).map((i) => [i.code, i.label]))
  return (code) => (code ? (map.has(code) ? labelText(map.get(code), lang) : code) : '')
}
