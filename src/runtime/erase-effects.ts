import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { maskPersonalData } from '../domain/pii-mask.js';
import type { Ticket } from '../domain/ticket.js';
import { forgetConversation } from '../store/forget-conversation.js';
import type { OutboxStore } from '../store/outbox-store.js';
import type { TicketStore } from '../store/ticket-store.js';
import type { EffectHandlers } from './effects.js';

export interface EraseDeps {
  tickets: TicketStore;
  outbox: OutboxStore;
  /** With Redis, every key of the conversation (its hash tag) is erased, not only the outbox. */
  redis?: Redis;
  logger: Logger;
}

/** Tickets no one works on any more: their personal details have no purpose left. */
const CLOSED = new Set<string>(['closed', 'rejected']);
const ERASED = '';

/** A closed ticket without its personal details: numbers, kind, status, dates and region stay for statistics. */
export function withoutPersonalData(t: Ticket): Ticket {
  const out: Ticket = { ...t, history: t.history.map((h) => (h.note ? { ...h, note: maskPersonalData(h.note) } : h)) };
  if (t.application) {
    const a = t.application;
    out.application = {
      ...a,
      name: ERASED,
      idNumber: ERASED,
      phone: ERASED,
      address: { province: a.address.province, city: a.address.city, detail: ERASED },
    };
    if (a.company !== undefined) out.application.company = ERASED;
    if (a.creditCode !== undefined) out.application.creditCode = ERASED;
    if (a.legalRepIdNumber !== undefined) out.application.legalRepIdNumber = ERASED;
  }
  if (t.feedback) {
    const { phone: _phone, location: _location, ...rest } = t.feedback;
    out.feedback = { ...rest, description: maskPersonalData(rest.description) };
    if (rest.reply) out.feedback.reply = { ...rest.reply, text: maskPersonalData(rest.reply.text) };
    if (rest.satisfaction?.comment)
      out.feedback.satisfaction = { ...rest.satisfaction, comment: maskPersonalData(rest.satisfaction.comment) };
  }
  return out;
}

/**
 * "删除我的信息": the conversation's stored messages, transcripts, session history and remembered
 * answers go; closed tickets keep their numbers but lose name, ID numbers, phone and address.
 * Open tickets keep what their handling needs (the user is told so).
 */
export function eraseEffects(d: EraseDeps): Pick<EffectHandlers, 'erasePersonalData'> {
  return {
    async erasePersonalData(_params, ctx) {
      // The conversation's keys go while the user's tickets are read, then the closed ones are
      // rewritten together, each from the version just read: two round trips in all. With Redis
      // the script deletes the outbox and transcript too; the embedded outbox is its own.
      const [keysErased, listed] = await Promise.all([
        d.redis ? forgetConversation(d.redis, ctx.conversationId) : d.outbox.delete(ctx.conversationId).then(() => 0),
        d.tickets.listByUser(ctx.channel, ctx.userId),
      ]);
      const closed = listed.filter((t) => CLOSED.has(t.status));
      await Promise.all(closed.map((t) => d.tickets.update(t.number, withoutPersonalData, { known: t })));
      d.logger.info(
        { conversationId: ctx.conversationId, keysErased, tickets: closed.length },
        'personal data erased on request',
      );
    },
  };
}
