// Executes the teardown plan: every DROP … IF EXISTS in order, each step reported as dropped or
// absent (already gone), so a second teardown is a visible no-op.
import type { Output } from '../ui/output.js';
import { combineOutcomes, outcomeOf, type Outcome } from './outcome.js';
import type { PlanStep } from './plan.js';
import { runStatement, type StatementRunner } from './runner.js';

export interface TeardownReport {
  id: string;
  title: string;
  outcome: Extract<Outcome, 'dropped' | 'absent'>;
}

export async function runTeardown(conn: StatementRunner, steps: PlanStep[], out: Output): Promise<TeardownReport[]> {
  const reports: TeardownReport[] = [];
  for (const step of steps) {
    const outcome = await out.task(
      step.title,
      async () => {
        const outcomes: Outcome[] = [];
        for (const statement of step.statements) outcomes.push(outcomeOf(await runStatement(conn, statement, (m) => out.debug(m))));
        return combineOutcomes(outcomes) === 'dropped' ? 'dropped' : 'absent';
      },
      (o) => (o === 'dropped' ? 'dropped' : 'already gone'),
    );
    reports.push({ id: step.id, title: step.title, outcome });
  }
  return reports;
}
