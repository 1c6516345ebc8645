// The phone's validator against the server's own verdicts (pwa/scripts/answer_cases.py writes them).
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkAnswers } from '../src/forms/validate'
import type { FieldErrors, FieldSpec } from '../src/forms/types'

interface Case {
  template: string
  name: string
  answers: unknown
  zh: FieldErrors
  en: FieldErrors
}

const fixture = JSON.parse(readFileSync(resolve(__dirname, 'fixtures', 'answer_cases.json'), 'utf8')) as {
  templates: Record<string, FieldSpec[]>
  cases: Case[]
}

describe('checkAnswers gives the server’s verdict', () => {
  it('covers every template and enough cases', () => {
    expect(Object.keys(fixture.templates)).toEqual(
      expect.arrayContaining([
        'every_type',
        'conditions',
        'household_visit',
        'welfare_visit',
        'hazard_inspection',
        'city_case',
      ]),
    )
    expect(fixture.cases.length).toBeGreaterThan(250)
    // city_case is the version with a severity (v2), the one the phone offers.
    expect(fixture.templates.city_case.map((f) => f.name)).toContain('severity')
  })

  for (const c of fixture.cases) {
    it(`${c.template}: ${c.name}`, () => {
      const specs = fixture.templates[c.template]
      expect(checkAnswers(specs, c.answers, 'zh')).toEqual(c.zh)
      expect(checkAnswers(specs, c.answers, 'en')).toEqual(c.en)
    })
  }
})
