import { ScanStatus, WechatyBuilder, qrcodeValueToImageUrl, types, type Message } from 'wechaty';
import type { WechatyInterface } from 'wechaty/impls';
import { conversationIdOf, type InboundMessage, type OutboundMessage } from '../../src/core/message.js';
import type { ChannelAdapter, Delivery } from '../../src/core/ports.js';
import { splitText, withNumberedMenu, type InboundHandler, type LocaleOf, type MenuLine } from '../text-rendering.js';

/**
 * Personal WeChat caps a text message (about 2000 characters in practice across puppets);
 * longer replies go as several messages.
 */
const TEXT_MAX = 2000;
/** Separates the talker from the room in a group conversation's id: `wechaty:<contact>|<room>`. */
const ROOM_SEPARATOR = '|';

export interface WechatyChannelOptions {
  /** A puppet instance (tests: PuppetMock) or a puppet module name (`wechaty-puppet-service`, ...). */
  puppet: unknown;
  puppetToken?: string;
  handle: InboundHandler;
  menuLine: MenuLine;
  localeOf: LocaleOf;
  /** Where the login QR code goes (the terminal). */
  write: (text: string) => void;
  onError?: (err: unknown, context: string) => void;
  now?: () => number;
}

/** Personal WeChat / WeCom through a wechaty puppet: text in, text out, menus as numbered lines. */
export class WechatyChannel implements ChannelAdapter {
  readonly channel = 'wechaty' as const;
  readonly bot: WechatyInterface;
  private readonly now: () => number;

  constructor(private readonly o: WechatyChannelOptions) {
    this.now = o.now ?? Date.now;
    this.bot = WechatyBuilder.build({
      name: 'kefu',
      puppet: o.puppet as never,
      ...(o.puppetToken ? { puppetOptions: { token: o.puppetToken } } : {}),
    });
    this.bot.on('scan', (qrcode, status) => void this.showQr(qrcode, status));
    this.bot.on('message', (message) => void this.onMessage(message));
    this.bot.on('error', (err) => o.onError?.(err, 'wechaty error'));
  }

  start(): Promise<void> {
    return this.bot.start();
  }

  stop(): Promise<void> {
    return this.bot.stop();
  }

  private async onMessage(message: Message): Promise<void> {
    try {
      const inbound = await this.toInbound(message);
      if (!inbound) return;
      const { replies, duplicate } = await this.o.handle(inbound);
      if (duplicate) return;
      await this.say(inbound.conversationId, replies);
    } catch (err) {
      this.o.onError?.(err, 'wechaty message failed');
    }
  }

  /** Text from a contact; in a room only when the bot is mentioned. Never its own messages. */
  async toInbound(message: Message): Promise<InboundMessage | undefined> {
    if (message.self() || message.type() !== types.Message.Text) return undefined;
    const talker = message.talker();
    const room = message.room();
    if (room && !(await message.mentionSelf())) return undefined;
    const text = room ? await message.mentionText() : message.text();
    const userId = talker.id;
    return {
      channel: 'wechaty',
      userId,
      // One conversation per person per room: a group is not one user.
      conversationId: room
        ? `${conversationIdOf('wechaty', userId)}${ROOM_SEPARATOR}${room.id}`
        : conversationIdOf('wechaty', userId),
      messageId: message.id,
      text,
      receivedAt: message.date().getTime() || this.now(),
    };
  }

  async push(delivery: Delivery): Promise<void> {
    await this.say(delivery.conversationId, delivery.messages);
  }

  /** To the contact, or into the room with a mention of the person who asked. */
  private async say(conversationId: string, replies: OutboundMessage[]): Promise<void> {
    if (replies.length === 0) return;
    const [person, roomId] = conversationId.slice('wechaty:'.length).split(ROOM_SEPARATOR);
    const contact = await this.bot.Contact.find({ id: person! });
    if (!contact) throw new Error('wechaty: contact not found');
    const room = roomId ? await this.bot.Room.find({ id: roomId }) : undefined;
    if (roomId && !room) throw new Error('wechaty: room not found');
    const locale = await this.o.localeOf(conversationId);
    for (const reply of replies) {
      for (const piece of splitText(withNumberedMenu(reply, locale, this.o.menuLine), TEXT_MAX)) {
        if (room) await room.say(piece, contact);
        else await contact.say(piece);
      }
    }
  }

  private async showQr(qrcode: string, status: ScanStatus): Promise<void> {
    if (status !== ScanStatus.Waiting && status !== ScanStatus.Timeout) return;
    const link = qrcodeValueToImageUrl(qrcode);
    let art = '';
    try {
      // `qrcode` comes with wechaty (through file-box); draw in the terminal when it is there.
      const specifier = 'qrcode';
      const lib = (await import(specifier)) as {
        toString(text: string, o: { type: string; small: boolean }): Promise<string>;
      };
      art = await lib.toString(qrcode, { type: 'terminal', small: true });
    } catch {
      art = '';
    }
    this.o.write(`Scan to log in to WeChat:\n${art}${link}\n`);
  }
}
