import { conversationIdOf, type InboundMessage, type Locale, type OutboundMessage } from '../../src/core/message.js';
import type { ChannelAdapter, Delivery } from '../../src/core/ports.js';
import { withNumberedMenu, type InboundHandler, type LocaleOf, type MenuLine } from '../text-rendering.js';
import { smsSegments } from './segments.js';
import { verifyTwilioSignature } from './twilio-signature.js';

/** Where opt-outs are kept (a ChannelStateStore, structurally). */
export interface OptOutStore {
  get<T>(conversationId: string, name: string): Promise<T | undefined>;
  set(conversationId: string, name: string, value: unknown): Promise<void>;
  delete(conversationId: string, name: string): Promise<void>;
}

/** Sends one SMS (the Twilio Messages REST API in production). */
export type SmsSender = (to: string, body: string) => Promise<void>;

export type SmsNotice = 'smsOptedOut' | 'smsOptedIn';

export interface SmsChannelOptions {
  authToken: string;
  handle: InboundHandler;
  optOuts: OptOutStore;
  menuLine: MenuLine;
  localeOf: LocaleOf;
  notice: (key: SmsNotice, locale: Locale) => string;
  /** Undefined when no account is configured: inbound works, proactive messages cannot be sent. */
  send?: SmsSender;
  now?: () => number;
}

// Whole-message keywords, as carriers and Twilio treat them. CANCEL/QUIT (Twilio) are left
// out on purpose: they mean "cancel this flow" in the dialog; YES likewise means "affirm".
const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'END', '退订', '退訂', 'TD']);
const OPT_IN = new Set(['START', 'UNSTOP', '订阅', '訂閱']);
const OPTED_OUT = 'sms.optedOut';

/** Thrown by the sender when the carrier reports the number unsubscribed (Twilio 21610). */
export class SmsRecipientOptedOut extends Error {
  override readonly name = 'SmsRecipientOptedOut';
  readonly code = 'KEFU_SMS_OPTED_OUT';
}

const escapeXml = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** SMS in the Twilio wire format: form webhook in, TwiML out; menus as numbered lines. */
export class SmsChannel implements ChannelAdapter {
  readonly channel = 'sms' as const;
  private readonly now: () => number;

  constructor(private readonly o: SmsChannelOptions) {
    this.now = o.now ?? Date.now;
  }

  verify(url: string, params: Record<string, string>, signature: string | undefined): boolean {
    return verifyTwilioSignature(this.o.authToken, url, params, signature);
  }

  /** Handle one inbound SMS; resolves with the TwiML to answer the webhook with. */
  async receive(params: Record<string, string>): Promise<string> {
    const from = params.From ?? '';
    const text = params.Body ?? '';
    const conversationId = conversationIdOf('sms', from);
    const keyword = text.trim().toUpperCase();
    if (OPT_OUT.has(keyword)) {
      await this.o.optOuts.set(conversationId, OPTED_OUT, { at: this.now() });
      return SmsChannel.twiml([this.o.notice('smsOptedOut', await this.o.localeOf(conversationId))]);
    }
    if (OPT_IN.has(keyword)) {
      await this.o.optOuts.delete(conversationId, OPTED_OUT);
      return SmsChannel.twiml([this.o.notice('smsOptedIn', await this.o.localeOf(conversationId))]);
    }
    // The carrier blocks messages to an unsubscribed number anyway (Twilio error 21610).
    if (await this.isOptedOut(conversationId)) return SmsChannel.twiml([]);
    const inbound: InboundMessage = {
      channel: 'sms',
      userId: from,
      conversationId,
      messageId: params.MessageSid ?? `${from}:${this.now()}`,
      text,
      receivedAt: this.now(),
    };
    const { replies, duplicate } = await this.o.handle(inbound);
    if (duplicate) return SmsChannel.twiml([]);
    return SmsChannel.twiml(await this.render(conversationId, replies));
  }

  async push(delivery: Delivery): Promise<void> {
    if (await this.isOptedOut(delivery.conversationId)) return;
    if (!this.o.send) throw new Error('SMS push needs SMS_ACCOUNT_SID and SMS_FROM');
    for (const body of await this.render(delivery.conversationId, delivery.messages)) {
      try {
        await this.o.send(delivery.userId, body);
      } catch (err) {
        if (!(err instanceof SmsRecipientOptedOut)) throw err;
        // Unsubscribed at the carrier (e.g. STOP sent to another of our numbers): remember it.
        await this.o.optOuts.set(delivery.conversationId, OPTED_OUT, { at: this.now() });
        return;
      }
    }
  }

  private async isOptedOut(conversationId: string): Promise<boolean> {
    return (await this.o.optOuts.get(conversationId, OPTED_OUT)) !== undefined;
  }

  /** Each reply as text with its numbered menu, split into single-SMS pieces. */
  private async render(conversationId: string, replies: OutboundMessage[]): Promise<string[]> {
    const locale = await this.o.localeOf(conversationId);
    return replies.flatMap((r) => smsSegments(withNumberedMenu(r, locale, this.o.menuLine)));
  }

  static twiml(bodies: string[]): string {
    const messages = bodies.map((b) => `<Message>${escapeXml(b)}</Message>`).join('');
    return `<?xml version="1.0" encoding="UTF-8"?><Response>${messages}</Response>`;
  }
}

/** The Twilio Messages REST API (`POST /2010-04-01/Accounts/{sid}/Messages.json`), with fetch. */
export function twilioSender(o: { baseUrl: string; accountSid: string; authToken: string; from: string }): SmsSender {
  const url = `${o.baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(o.accountSid)}/Messages.json`;
  const auth = `Basic ${Buffer.from(`${o.accountSid}:${o.authToken}`).toString('base64')}`;
  return async (to, body) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: to, From: o.from, Body: body }).toString(),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.ok) return;
    const error = (await res.json().catch(() => ({}))) as { code?: number; message?: string };
    if (error.code === 21610) throw new SmsRecipientOptedOut('recipient has unsubscribed');
    throw new Error(`SMS API answered ${res.status}${error.code ? ` (code ${error.code})` : ''}`);
  };
}
