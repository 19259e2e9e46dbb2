import type { ChannelId, Locale } from '../core/message.js';
import { findCity, findProvince, parseAddress } from '../domain/address.js';
import { normalizeMobile } from '../domain/phone.js';
import { hallsForCity, type RegionTable } from '../domain/region-table.js';
import { formatCst, formatCstShort, stepOf } from '../domain/sla-policy.js';
import type { Ticket } from '../domain/ticket.js';
import type { TicketStore } from '../store/ticket-store.js';
import { expectedKey } from './deadlines.js';

/** What a lookup needs of the turn it runs in. */
export interface LookupContext {
  channel: ChannelId;
  userId: string;
  locale: Locale;
  now: number;
}

/** Answers one named lookup with its result (the runtime wraps it in `lookup.result`). */
export type LookupHandler = (query: Record<string, unknown>, ctx: LookupContext) => Promise<unknown>;
type Text = (key: string, params: Record<string, string | number>, locale: Locale) => string;

/** Tickets shown at once; the answer says how many older ones there are. */
const SHOWN = 3;
const TIMELINE = 4;

/** A ticket as the status answer shows it, in the user's language: state, short history, next step and due time. */
export function ticketView(t: Ticket, text: Text, locale: Locale) {
  const state = (s: string) => text(`status.states.${t.kind}.${s}`, {}, locale);
  const timeline = t.history
    .slice(-TIMELINE)
    .map((h) => text('status.timelineLine', { at: formatCstShort(h.at), state: state(h.to) }, locale))
    .join('\n');
  const step = stepOf(t.kind, t.status);
  const due = step
    ? t.overdue
      ? (t.deadlines[expectedKey(step)] ?? t.deadlines[step])
      : t.deadlines[step]
    : undefined;
  const next =
    step && t.overdue && due !== undefined
      ? text('status.late', { due: formatCst(due) }, locale)
      : text(`status.next.${t.kind}.${t.status}`, { due: due !== undefined ? formatCst(due) : '-' }, locale);
  return { number: t.number, kind: text(`status.kinds.${t.kind}`, {}, locale), state: state(t.status), timeline, next };
}

/**
 * The lookups of status queries and business hours. Ownership is checked here: a ticket
 * that is not the asker's is answered exactly like an unknown one.
 */
export function statusLookups(o: {
  tickets: () => TicketStore;
  text: Text;
  regionTable: RegionTable;
}): Record<string, LookupHandler> {
  const answer = (tickets: Ticket[], ctx: LookupContext) => ({
    tickets: tickets.slice(0, SHOWN).map((t) => ticketView(t, o.text, ctx.locale)),
    ...(tickets.length > SHOWN ? { more: tickets.length - SHOWN } : {}),
  });

  return {
    'status.byNumber': async (query, ctx) => {
      const number = String(query.number ?? '').toUpperCase();
      const ticket = number ? await o.tickets().get(number) : undefined;
      const mine = ticket && ticket.channel === ctx.channel && ticket.userId === ctx.userId ? [ticket] : [];
      return answer(mine, ctx);
    },
    'status.mine': async (_query, ctx) => answer(await o.tickets().listByUser(ctx.channel, ctx.userId), ctx),
    'status.byPhone': async (query, ctx) => {
      const phone = normalizeMobile(String(query.phone ?? ''));
      const last6 = String(query.idLast6 ?? '').toUpperCase();
      if (!phone || !/^\d{5}[\dX]$/.test(last6)) return answer([], ctx);
      // Identity is the mobile number on file plus the ID number's last 6: only applications hold both.
      const applications = await o.tickets().list({ kind: 'application', limit: 1000 });
      const matched = applications.filter(
        (t) => t.application?.phone === phone && t.application.idNumber.toUpperCase().endsWith(last6),
      );
      return answer(matched, ctx);
    },
    'hours.halls': async (query, ctx) => {
      const given = String(query.city ?? '');
      const city =
        (given ? findCity(given) : undefined) ??
        parseAddress(String(query.text ?? '')).city ??
        (query.remembered ? findCity(String(query.remembered)) : undefined) ??
        // A municipality named as a province (北京) is its own city.
        (query.province ? singleCity(String(query.province)) : undefined);
      const result = (() => {
        if (!city) return { found: 'no_city' };
        const display = ctx.locale === 'en' ? city.en : city.name;
        const halls = hallsForCity(o.regionTable, city.name);
        if (halls.length === 0) return { found: 'no_halls', city: display, cityName: city.name };
        const lines = halls.map((h) =>
          o.text(
            'hours.hall',
            {
              name: h.name,
              address: h.address,
              phone: h.phone,
              weekdays: h.hours.weekdays,
              weekends: h.hours.weekends,
            },
            ctx.locale,
          ),
        );
        return { found: 'halls', city: display, cityName: city.name, halls: lines.join('\n') };
      })();
      return result;
    },
  };
}

function singleCity(provinceName: string) {
  const province = findProvince(provinceName);
  return province?.cities.length === 1 ? province.cities[0] : undefined;
}
