/** Agent hours as minutes of the day in a time zone; `end` may be before `start` (overnight). */
export interface AgentHours {
  start: number;
  end: number;
  timeZone: string;
}

const RANGE = /^([01]\d|2[0-4]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/u;

/** Parse `HH:MM-HH:MM` (`00:00-24:00` is all day); undefined when malformed. */
export function parseAgentHours(range: string, timeZone: string): AgentHours | undefined {
  const m = RANGE.exec(range.trim());
  if (!m) return undefined;
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  if (start > 1440 || end > 1440 || start === end) return undefined;
  return { start, end, timeZone };
}

/** Whether agents work at `at` (epoch ms). */
export function withinAgentHours(hours: AgentHours, at: number): boolean {
  if (hours.start === 0 && hours.end === 1440) return true;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: hours.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const minute =
    Number(parts.find((p) => p.type === 'hour')?.value) * 60 + Number(parts.find((p) => p.type === 'minute')?.value);
  return hours.start < hours.end
    ? minute >= hours.start && minute < hours.end
    : minute >= hours.start || minute < hours.end;
}

/** `09:00-18:00`, for telling users. */
export function formatAgentHours(hours: AgentHours): string {
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return `${hhmm(hours.start)}-${hhmm(hours.end)}`;
}
