import type { ChannelId } from '../core/message.js';
import type { ChannelAdapter, Delivery } from '../core/ports.js';

/** The push paths of the channels that are running, by channel. */
export class ChannelRegistry {
  private readonly adapters = new Map<ChannelId, ChannelAdapter>();

  register(adapter: ChannelAdapter): void {
    this.adapters.set(adapter.channel, adapter);
  }

  get(channel: ChannelId): ChannelAdapter | undefined {
    return this.adapters.get(channel);
  }

  /** Push to the user's channel; false when that channel is not running here. */
  async push(delivery: Delivery): Promise<boolean> {
    const adapter = this.adapters.get(delivery.channel);
    if (!adapter) return false;
    await adapter.push(delivery);
    return true;
  }
}
