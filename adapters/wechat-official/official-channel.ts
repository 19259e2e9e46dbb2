import { XMLParser } from 'fast-xml-parser';
import { conversationIdOf, type InboundMessage, type Locale, type OutboundMessage } from '../../src/core/message.js';
import type { ChannelAdapter, Delivery } from '../../src/core/ports.js';
import { splitText, withNumberedMenu, type InboundHandler, type LocaleOf, type MenuLine } from '../text-rendering.js';
import type { WechatOfficialApi } from './official-api.js';
import { verifyOfficialSignature } from './signature.js';

/** A text message carries at most 2048 bytes (UTF-8: about 680 Chinese characters). */
const TEXT_MAX_BYTES = 2048;
/** WeChat drops the connection after 5 s and retries (three times): answer well before. */
export const PASSIVE_REPLY_MS = 4000;
/** Keep in-flight records past WeChat's last retry (about 15 s after the first try). */
const INFLIGHT_KEEP_MS = 30_000;
const LOCALE_TTL_MS = 3_600_000;

/** The fields of a pushed XML message kefu reads. */
export interface OfficialMessage {
  ToUserName: string;
  FromUserName: string;
  CreateTime: string;
  MsgType: string;
  Content?: string;
  MsgId?: string;
  Event?: string;
}

export interface OfficialChannelOptions {
  token: string;
  handle: InboundHandler;
  menuLine: MenuLine;
  localeOf: LocaleOf;
  /** The customer-service API; without it only passive replies (and no push) are possible. */
  api?: Pick<WechatOfficialApi, 'sendText' | 'userLocale'>;
  passiveReplyMs?: number;
  onError?: (err: unknown, context: string) => void;
  now?: () => number;
}

interface Job {
  done: Promise<string[]>;
  /** Requests (first try and WeChat's retries) currently waiting for this message's answer. */
  waiting: number;
  /** Someone has taken responsibility for delivering the answer. */
  claimed: boolean;
}

const parser = new XMLParser({ parseTagValue: false, processEntities: true });
const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

/**
 * WeChat Official Account (公众号), plaintext mode: signed XML in; a passive XML reply within
 * the deadline, or `success` and the customer-service API once the answer is ready.
 */
export class WechatOfficialChannel implements ChannelAdapter {
  readonly channel = 'wechat-official' as const;
  private readonly inflight = new Map<string, Job>();
  private readonly locales = new Map<string, { locale: Locale | undefined; at: number }>();
  private readonly now: () => number;

  constructor(private readonly o: OfficialChannelOptions) {
    this.now = o.now ?? Date.now;
  }

  verify(query: { signature?: string; timestamp?: string; nonce?: string }): boolean {
    return verifyOfficialSignature(this.o.token, query);
  }

  parse(xml: string): OfficialMessage | undefined {
    const root = (parser.parse(xml) as { xml?: Partial<OfficialMessage> }).xml;
    if (!root?.FromUserName || !root.ToUserName || !root.MsgType) return undefined;
    return root as OfficialMessage;
  }

  /** Answer one pushed message: the passive reply XML, or `success` (nothing to say now). */
  async receive(message: OfficialMessage): Promise<string> {
    if (message.MsgType !== 'text' || typeof message.Content !== 'string') return 'success';
    const openId = message.FromUserName;
    const key = message.MsgId ?? `${openId}:${message.CreateTime}`;
    let job = this.inflight.get(key);
    if (!job) {
      job = this.start(message, key);
      this.inflight.set(key, job);
    }
    job.waiting++;
    const deadline = new Promise<'late'>((r) =>
      setTimeout(() => r('late'), this.o.passiveReplyMs ?? PASSIVE_REPLY_MS).unref(),
    );
    const outcome = await Promise.race([job.done, deadline]).finally(() => job.waiting--);
    if (outcome === 'late' || job.claimed || outcome.length === 0) return 'success';
    job.claimed = true;
    const [first, ...rest] = outcome;
    // After this response is written, so the customer-service messages come second.
    if (rest.length) setImmediate(() => void this.sendAll(openId, rest, 'wechat official: follow-up messages failed'));
    return WechatOfficialChannel.passiveXml(message, first!, this.now());
  }

  private start(message: OfficialMessage, key: string): Job {
    const job: Job = { waiting: 0, claimed: false, done: Promise.resolve([]) };
    job.done = (async () => {
      const inbound: InboundMessage = {
        channel: 'wechat-official',
        userId: message.FromUserName,
        conversationId: conversationIdOf('wechat-official', message.FromUserName),
        // MsgId is 64-bit: kept as the string WeChat sent.
        messageId: key,
        text: message.Content ?? '',
        receivedAt: Number(message.CreateTime) * 1000 || this.now(),
      };
      const locale = await this.userLocale(inbound.userId);
      if (locale) inbound.locale = locale;
      const { replies, duplicate } = await this.o.handle(inbound);
      return duplicate ? [] : this.render(inbound.conversationId, replies);
    })();
    job.done.then(
      (pieces) => {
        // Nobody is waiting any more (every request hit the deadline): deliver by the API.
        if (job.waiting === 0 && !job.claimed && pieces.length) {
          job.claimed = true;
          void this.sendAll(message.FromUserName, pieces, 'wechat official: late answer failed');
        }
        setTimeout(() => this.inflight.delete(key), INFLIGHT_KEEP_MS).unref();
      },
      (err: unknown) => {
        // The turn failed and was not saved: let WeChat's retry run it again.
        this.inflight.delete(key);
        if (job.waiting === 0) this.o.onError?.(err, 'wechat official: turn failed after the reply deadline');
      },
    );
    return job;
  }

  async push(delivery: Delivery): Promise<void> {
    if (!this.o.api) throw new Error('WeChat Official Account push needs WECHAT_APP_ID and WECHAT_APP_SECRET');
    for (const piece of await this.render(delivery.conversationId, delivery.messages)) {
      await this.o.api.sendText(delivery.userId, piece);
    }
  }

  private async sendAll(openId: string, pieces: string[], context: string): Promise<void> {
    try {
      if (!this.o.api) throw new Error('no customer-service API configured (WECHAT_APP_ID, WECHAT_APP_SECRET)');
      for (const piece of pieces) await this.o.api.sendText(openId, piece);
    } catch (err) {
      this.o.onError?.(err, context);
    }
  }

  /** No buttons on this channel: menus are numbered lines; everything fits 2048-byte pieces. */
  private async render(conversationId: string, replies: OutboundMessage[]): Promise<string[]> {
    const locale = await this.o.localeOf(conversationId);
    const text = replies.map((r) => withNumberedMenu(r, locale, this.o.menuLine)).join('\n\n');
    return splitText(text, TEXT_MAX_BYTES, (c) => Buffer.byteLength(c, 'utf8'));
  }

  private async userLocale(openId: string): Promise<Locale | undefined> {
    if (!this.o.api) return undefined;
    const cached = this.locales.get(openId);
    if (cached && this.now() - cached.at < LOCALE_TTL_MS) return cached.locale;
    let locale: Locale | undefined;
    try {
      locale = await this.o.api.userLocale(openId);
    } catch (err) {
      this.o.onError?.(err, 'wechat official: user language unavailable');
    }
    if (this.locales.size >= 10_000) this.locales.delete(this.locales.keys().next().value!);
    this.locales.set(openId, { locale, at: this.now() });
    return locale;
  }

  static passiveXml(to: OfficialMessage, content: string, now: number): string {
    return (
      `<xml><ToUserName>${cdata(to.FromUserName)}</ToUserName><FromUserName>${cdata(to.ToUserName)}</FromUserName>` +
      `<CreateTime>${Math.floor(now / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>${cdata(content)}</Content></xml>`
    );
  }
}
