import { conversationIdOf, type InboundMessage, type Locale, type OutboundMessage } from '../src/core/message.js';
import type { ChannelAdapter, Delivery } from '../src/core/ports.js';

/** The terminal chat: a line in, text (or JSON lines) out; buttons become a numbered menu. */
export class TerminalChannel implements ChannelAdapter {
  readonly channel = 'terminal' as const;
  private seq = 0;

  constructor(
    private readonly userId: string,
    private readonly write: (line: string) => void,
    private readonly options: { json: boolean; locale?: Locale },
    private readonly now: () => number = Date.now,
  ) {}

  toInbound(line: string): InboundMessage {
    const message: InboundMessage = {
      channel: 'terminal',
      userId: this.userId,
      conversationId: conversationIdOf('terminal', this.userId),
      messageId: `${process.pid}-${this.now()}-${++this.seq}`,
      text: line,
      receivedAt: this.now(),
    };
    if (this.options.locale) message.locale = this.options.locale;
    return message;
  }

  show(messages: OutboundMessage[]): void {
    for (const m of messages) {
      if (this.options.json) {
        const out: { text: string; quickReplies?: string[] } = { text: m.text };
        if (m.quickReplies?.length) out.quickReplies = m.quickReplies.map((q) => q.label);
        this.write(JSON.stringify(out));
      } else {
        const menu = (m.quickReplies ?? []).map((q, i) => `  ${i + 1}. ${q.label}`);
        this.write([m.text, ...menu].join('\n'));
      }
    }
  }

  async push(delivery: Delivery): Promise<void> {
    this.show(delivery.messages);
  }
}
