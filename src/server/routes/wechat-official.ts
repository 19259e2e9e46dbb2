import type { FastifyInstance } from 'fastify';
import { WechatOfficialApi } from '../../../adapters/wechat-official/official-api.js';
import { WechatOfficialChannel } from '../../../adapters/wechat-official/official-channel.js';
import { sendError } from '../http-errors.js';
import { localeFrom, menuLineFrom, type ChannelDeps, type StartedChannel } from './channel-kit.js';

type SignedQuery = { signature?: string; timestamp?: string; nonce?: string; echostr?: string };

/** The Official Account starts with `WECHAT_TOKEN`; the customer-service API needs the app id and secret. */
export function startWechatOfficial(deps: ChannelDeps): StartedChannel | undefined {
  const { WECHAT_TOKEN: token, WECHAT_APP_ID: appId, WECHAT_APP_SECRET: appSecret } = deps.config;
  if (!token) return undefined;
  if (!appId || !appSecret)
    deps.logger.warn('WeChat Official Account: no WECHAT_APP_ID/SECRET; passive replies only, no push');
  const api =
    appId && appSecret
      ? new WechatOfficialApi({
          baseUrl: deps.config.WECHAT_API_BASE_URL ?? 'https://api.weixin.qq.com',
          appId,
          appSecret,
          cache: deps.state,
          now: () => deps.clock.now(),
        })
      : undefined;
  const official = new WechatOfficialChannel({
    token,
    handle: (m) => deps.runtime.handle(m),
    menuLine: menuLineFrom(deps.catalog),
    localeOf: localeFrom(deps.sessions),
    ...(api ? { api } : {}),
    passiveReplyMs: deps.config.WECHAT_PASSIVE_REPLY_MS,
    onError: (err, context) => deps.logger.warn({ err }, context),
    now: () => deps.clock.now(),
  });
  return { adapter: official, plugin: (app) => wechatOfficialRoutes(app, official) };
}

/** `GET|POST /api/wechat/official`: URL verification and signed XML messages. */
export async function wechatOfficialRoutes(app: FastifyInstance, official: WechatOfficialChannel): Promise<void> {
  await app.register(async (scope) => {
    for (const type of ['text/xml', 'application/xml']) {
      if (scope.hasContentTypeParser(type)) scope.removeContentTypeParser(type);
      scope.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => done(null, body));
    }
    scope.get('/api/wechat/official', async (req, reply) => {
      const query = req.query as SignedQuery;
      if (!official.verify(query)) return sendError(reply, 'KEFU_UNAUTHORIZED', 'invalid WeChat signature');
      return reply.type('text/plain').send(query.echostr ?? '');
    });
    scope.post('/api/wechat/official', async (req, reply) => {
      if (!official.verify(req.query as SignedQuery))
        return sendError(reply, 'KEFU_UNAUTHORIZED', 'invalid WeChat signature');
      const message = typeof req.body === 'string' ? official.parse(req.body) : undefined;
      if (!message) return sendError(reply, 'KEFU_BAD_REQUEST', 'expected a WeChat XML message');
      const answer = await official.receive(message);
      return reply.type(answer === 'success' ? 'text/plain' : 'application/xml').send(answer);
    });
  });
}
