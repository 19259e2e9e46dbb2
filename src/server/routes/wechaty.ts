import { WechatyChannel } from '../../../adapters/wechaty/wechaty-channel.js';
import { localeFrom, menuLineFrom, type ChannelDeps, type StartedChannel } from './channel-kit.js';

/**
 * The wechaty channel has no HTTP route: the puppet connects out. Starts with `WECHATY_PUPPET`
 * (or a puppet instance from tests); imported lazily because loading wechaty takes seconds.
 */
export async function startWechaty(deps: ChannelDeps, puppet: unknown): Promise<StartedChannel> {
  const token = deps.config.WECHATY_PUPPET_SERVICE_TOKEN;
  const wechaty = new WechatyChannel({
    puppet: puppet ?? deps.config.WECHATY_PUPPET,
    ...(token ? { puppetToken: token } : {}),
    handle: (m) => deps.runtime.handle(m),
    menuLine: menuLineFrom(deps.catalog),
    localeOf: localeFrom(deps.sessions),
    write: (text) => process.stdout.write(text),
    onError: (err, context) => deps.logger.warn({ err }, context),
    now: () => deps.clock.now(),
  });
  await wechaty.start();
  return { adapter: wechaty, close: () => wechaty.stop() };
}
