import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { maskPersonalData } from '../domain/pii-mask.js';
import type { Ticket } from '../domain/ticket.js';
import { keys } from '../store/redis-keys.js';
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

// The turn that erases still has to commit (its lane: seq, served, holder); channel state holds
// delivery settings the user chose (SMS opt-out) and must outlive the erasure.
const KEEP = (conversationId: string) =>
  new Set([keys.seq(conversationId), keys.served(conversationId), keys.holder(conversationId)]);
const KEEP_PREFIX = (conversationId: string) => `kefu:{${conversationId}}:channel:`;

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

/** Glob-escape a conversation id for SCAN MATCH. */
const globEscape = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

async function eraseConversationKeys(redis: Redis, conversationId: string): Promise<number> {
  const keep = KEEP(conversationId);
  const keepPrefix = KEEP_PREFIX(conversationId);
  let cursor = '0';
  let erased = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `kefu:{${globEscape(conversationId)}}:*`, 'COUNT', 500);
    cursor = next;
    const doomed = found.filter((k) => !keep.has(k) && !k.startsWith(keepPrefix));
    if (doomed.length > 0) erased += await redis.del(...doomed);
  } while (cursor !== '0');
  return erased;
}

/**
 * "删除我的信息": the conversation's stored messages, transcripts, session history and remembered
 * answers go; closed tickets keep their numbers but lose name, ID numbers, phone and address.
 * Open tickets keep what their handling needs (the user is told so).
 */
export function eraseEffects(d: EraseDeps): Pick<EffectHandlers, 'erasePersonalData'> {
  return {
    async erasePersonalData(_params, ctx) {
      const keysErased = d.redis ? await eraseConversationKeys(d.redis, ctx.conversationId) : 0;
      await d.outbox.delete(ctx.conversationId);
      let tickets = 0;
      for (const t of await d.tickets.listByUser(ctx.channel, ctx.userId)) {
        if (!CLOSED.has(t.status)) continue;
        await d.tickets.update(t.number, withoutPersonalData);
        tickets++;
      }
      d.logger.info({ conversationId: ctx.conversationId, keysErased, tickets }, 'personal data erased on request');
    },
  };
}
