// Phone/server action parity: for every state and role the phone offers exactly what the server
// allows (pwa/scripts/case_actions.py writes the server's loop and verdicts; a Python test keeps
// the file current and checks the same verdicts through the API).
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CASE_ACTIONS, CASE_STATES, actionsFor, caseLoopFrom } from '../src/cases/caseModel'
import type { CaseAction, CaseState, Role } from '../src/cases/caseModel'

interface Verdict {
  state: CaseState
  role: Role
  allowed: CaseAction[]
}

const fixture = JSON.parse(readFileSync(resolve(__dirname, 'fixtures', 'case_actions.json'), 'utf8')) as {
  states: string[]
  actions: string[]
  roles: string[]
  catalogue: { id: string; items: unknown[] }
  cases: Verdict[]
}

describe('the phone offers the actions the server allows', () => {
  const loop = caseLoopFrom([fixture.catalogue])

  it("knows the server's states and actions, and covers every state and role", () => {
    expect([...CASE_STATES]).toEqual(fixture.states)
    expect([...CASE_ACTIONS]).toEqual(fixture.actions)
    expect(fixture.cases).toHaveLength(fixture.states.length * fixture.roles.length)
    expect(loop).not.toBeNull()
  })

  for (const verdict of fixture.cases) {
    it(`${verdict.state} · ${verdict.role}`, () => {
      // A case copy without allowed_actions (pulled before they were served): the served loop.
      expect(actionsFor({ state: verdict.state, allowed: null }, verdict.role, loop)).toEqual(verdict.allowed)
      // A case as the API and the pull send it: its allowed_actions for this user.
      const pulled = { state: verdict.state, allowed: verdict.allowed }
      expect(actionsFor(pulled, verdict.role, loop)).toEqual(verdict.allowed)
    })
  }
})
