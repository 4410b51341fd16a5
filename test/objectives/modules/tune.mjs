// A module objective in plain JavaScript, with exports that are not objectives beside it.
export function objective(trial) {
  const x = trial.suggestFloat("x", -5, 5);
  trial.report(0, x);
  return (x - 2) ** 2;
}
export async function shifted(trial) {
  const x = trial.suggestFloat("x", -5, 5);
  return (x + 1) ** 2;
}
export const budget = 42;
export default function fallback() {
  return 7;
}
