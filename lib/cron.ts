const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12 },
  { name: "day of week", min: 0, max: 7 },
] as const;

const NAMES: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  sun: 0,
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
};

/** Days in each month (1-12), February with its leap-year 29th. */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/**
 * Checks a five-field cron expression as Kubernetes CronJobs accept it (numbers, ranges, steps,
 * lists, month and weekday names, and the @hourly/@daily/@weekly/@monthly/@yearly macros), and
 * that it ever fires.
 *
 * Semantics are those of the parser Kubernetes uses (robfig/cron, standard spec): a range whose
 * start is after its end is refused; when day of month and day of week are both restricted a day
 * matching either runs the job, otherwise both must match, so `0 0 31 2 *` never runs.
 *
 * @returns undefined when valid, otherwise the reason, naming the field at fault
 */
export function cronProblem(expression: string): string | undefined {
  const expr = expression.trim();
  if (/^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/.test(expr)) return undefined;
  const parts = expr.split(/\s+/);
  if (parts.length !== 5) {
    return `must have 5 fields (minute hour day-of-month month day-of-week), found ${parts.length}`;
  }
  const sets: Set<number>[] = [];
  const star: boolean[] = [];
  for (let i = 0; i < 5; i++) {
    const f = FIELDS[i];
    const set = new Set<number>();
    let fieldStar = false;
    for (const item of parts[i].split(",")) {
      const m = /^(\*|([a-z0-9]+)(-([a-z0-9]+))?)(\/(\d+))?$/i.exec(item);
      if (!m) return `has an invalid ${f.name} field "${parts[i]}"`;
      const values = [m[2], m[4]].filter((v): v is string => v !== undefined);
      const numbers: number[] = [];
      for (const v of values) {
        const n = /^\d+$/.test(v) ? Number(v) : NAMES[v.toLowerCase()];
        if (n === undefined) {
          const example = f.name === "month" ? "jan" : f.name === "day of week" ? "mon" : undefined;
          return example
            ? `has ${f.name} "${v}", which is neither a number in ${f.min}-${f.max} nor a name such as "${example}"`
            : `has ${f.name} "${v}", which is not a number in ${f.min}-${f.max}`;
        }
        if (n < f.min || n > f.max) {
          return `has ${f.name} "${v}" outside ${f.min}-${f.max}`;
        }
        numbers.push(n);
      }
      if (m[6] !== undefined && Number(m[6]) === 0) return `has a zero step in the ${f.name} field`;
      if (numbers.length === 2 && numbers[0] > numbers[1]) {
        const top = f.name === "day of week" ? 6 : f.max;
        return `has a backwards range "${m[2]}-${m[4]}" in the ${f.name} field (Kubernetes refuses a range whose start is after its end): write "${m[4]}-${m[2]}", or "${numbers[0]}-${top},${f.min}-${numbers[1]}" for a range that wraps`;
      }
      const step = m[6] !== undefined ? Number(m[6]) : 1;
      const start = m[1] === "*" ? f.min : numbers[0];
      const end = m[1] === "*" || (numbers.length === 1 && m[6] !== undefined) ? f.max : numbers[numbers.length - 1];
      // "*" counts as unrestricted for the day-of-month/day-of-week rule unless it has a step > 1.
      if (m[1] === "*" && step === 1) fieldStar = true;
      for (let v = start; v <= end; v += step) set.add(f.name === "day of week" && v === 7 ? 0 : v);
    }
    sets.push(set);
    star.push(fieldStar);
  }
  const [, , days, months] = sets;
  const dayRuleIsAnd = star[2] || star[4];
  if (dayRuleIsAnd && !star[2]) {
    const fires = [...months].some((month) => [...days].some((day) => day <= DAYS_IN_MONTH[month - 1]));
    if (!fires) {
      const monthList = [...months]
        .sort((a, b) => a - b)
        .map((mo) => MONTH_NAMES[mo - 1])
        .join(", ");
      const dayList = [...days].sort((a, b) => a - b).join(", ");
      return `never fires: day ${dayList} does not occur in ${monthList}`;
    }
  }
  return undefined;
}

/** Rough period of a cron schedule in seconds (the largest gap between two runs within a week). */
export function cronPeriodSeconds(expression: string): number {
  const expr = expression.trim();
  const macros: Record<string, number> = {
    "@hourly": 3600,
    "@daily": 86400,
    "@midnight": 86400,
    "@weekly": 604800,
    "@monthly": 2678400,
    "@yearly": 31536000,
    "@annually": 31536000,
  };
  if (macros[expr]) return macros[expr];
  const [min, hour, dom, month, dow] = expr.split(/\s+/);
  const expand = (field: string, lo: number, hi: number): number[] => {
    const out = new Set<number>();
    for (const item of field.split(",")) {
      const m = /^(\*|(\w+)(-(\w+))?)(\/(\d+))?$/.exec(item)!;
      const step = m[6] ? Number(m[6]) : 1;
      const toNum = (v: string) => (/^\d+$/.test(v) ? Number(v) : NAMES[v.toLowerCase()]);
      const start = m[1] === "*" ? lo : toNum(m[2]);
      const end = m[1] === "*" ? hi : m[4] !== undefined ? toNum(m[4]) : m[6] ? hi : start;
      for (let v = start; v <= end; v += step) out.add(v === 7 && hi === 7 ? 0 : v);
    }
    return [...out].sort((a, b) => a - b);
  };
  if (dom !== "*" || month !== "*") return 2678400; // monthly or rarer: a month is the bound
  const minutes = expand(min, 0, 59);
  const hours = expand(hour, 0, 23);
  const days = expand(dow, 0, 7);
  const runs: number[] = [];
  for (const d of days) for (const h of hours) for (const mi of minutes) runs.push(d * 86400 + h * 3600 + mi * 60);
  runs.sort((a, b) => a - b);
  let gap = runs[0] + 604800 - runs[runs.length - 1];
  for (let i = 1; i < runs.length; i++) gap = Math.max(gap, runs[i] - runs[i - 1]);
  return gap;
}
