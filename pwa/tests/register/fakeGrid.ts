// A synthetic grid for tests: buildings, households and residents shaped like the pull feed.
import { makeIdNumber, maskIdNumber, maskPhone } from '../../src/register/idcard'
import type { Building, Household, Resident } from '../../src/register/types'

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈'
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰桂芝凤英淑珍志强'

function uuid(prefix: number, n: number): string {
  return `${String(prefix).padStart(8, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`
}

export interface FakeGrid {
  buildings: Building[]
  households: Household[]
  residents: Resident[]
}

/** households spread over buildings of 40; 2.6 residents each on average; ~20 % aged 60+. */
export function fakeGrid(households = 500, residentsTotal = 1300, gridId = 1): FakeGrid {
  const out: FakeGrid = { buildings: [], households: [], residents: [] }
  let seed = 7
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  }
  const name = () =>
    SURNAMES[Math.floor(rand() * SURNAMES.length)] +
    GIVEN[Math.floor(rand() * GIVEN.length)] +
    (rand() < 0.5 ? GIVEN[Math.floor(rand() * GIVEN.length)] : '')
  for (let b = 0; b < Math.ceil(households / 40); b++) {
    out.buildings.push({ id: uuid(1, b), grid_id: gridId, name: `${b + 1}栋`, address: `示例路${b + 1}号`, version: 1 })
  }
  let r = 0
  for (let h = 0; h < households; h++) {
    const building = out.buildings[Math.floor(h / 40)]
    const head = name()
    const household: Household = {
      id: uuid(2, h),
      building_id: building.id,
      grid_id: gridId,
      unit: String((h % 4) + 1),
      room: `${Math.floor((h % 40) / 4) + 1}0${(h % 2) + 1}`,
      address: `${building.address}${building.name}`,
      housing_type: 'own',
      head_name: head,
      phone_masked: maskPhone(`138${String(10000000 + h).slice(-8)}`),
      version: 1,
    }
    out.households.push(household)
    const count = Math.max(1, Math.round((residentsTotal - r) / (households - h)))
    for (let i = 0; i < count && r < residentsTotal; i++, r++) {
      const old = rand() < 0.2
      const year = old ? 1935 + Math.floor(rand() * 30) : 1966 + Math.floor(rand() * 50)
      const birth = `${year}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`
      const seq = Math.floor(rand() * 999)
      const idNumber = makeIdNumber('360103', birth, seq)
      out.residents.push({
        id: uuid(3, r),
        household_id: household.id,
        grid_id: gridId,
        name: i === 0 ? head : name(),
        gender: seq % 2 ? 'male' : 'female',
        birth_date: birth,
        id_number_masked: maskIdNumber(idNumber),
        relation: i === 0 ? 'head' : 'spouse',
        care_tier: old ? (rand() < 0.2 ? 'high' : 'general') : undefined,
        next_visit_due: old ? `2026-11-${10 + Math.floor(rand() * 20)}` : undefined,
        version: 1,
      })
    }
  }
  return out
}
