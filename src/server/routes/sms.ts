import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { SmsChannel, twilioSender } from '../../../adapters/sms/sms-channel.js';
import { sendError } from '../http-errors.js';
import { localeFrom, menuLineFrom, type ChannelDeps, type StartedChannel } from './channel-kit.js';

/** SMS starts when `SMS_AUTH_TOKEN` is set; pushes also need `SMS_ACCOUNT_SID` and `SMS_FROM`. */
export function startSms(deps: ChannelDeps): StartedChannel | undefined {
  const { SMS_AUTH_TOKEN: authToken, SMS_ACCOUNT_SID: accountSid, SMS_FROM: from } = deps.config;
  if (!authToken) return undefined;
  if (!accountSid || !from) deps.logger.warn('SMS: SMS_ACCOUNT_SID or SMS_FROM missing; proactive SMS are disabled');
  const sms = new SmsChannel({
    authToken,
    handle: (m) => deps.runtime.handle(m),
    optOuts: deps.state,
    menuLine: menuLineFrom(deps.catalog),
    localeOf: localeFrom(deps.sessions),
    notice: (key, locale) => deps.catalog.text({ key: `channels.${key}` }, locale),
    ...(accountSid && from
      ? {
          send: twilioSender({
            baseUrl: deps.config.SMS_API_BASE_URL ?? 'https://api.twilio.com',
            accountSid,
            authToken,
            from,
          }),
        }
      : {}),
    now: () => deps.clock.now(),
  });
  const publicUrl = deps.config.PUBLIC_URL?.replace(/\/$/, '');
  return { adapter: sms, plugin: (app) => smsRoutes(app, sms, publicUrl) };
}

/** `POST /api/sms/inbound`: form-encoded, signed over the URL Twilio called. */
export async function smsRoutes(app: FastifyInstance, sms: SmsChannel, publicUrl: string | undefined): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(formbody);
    scope.post('/api/sms/inbound', async (req, reply) => {
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries((req.body ?? {}) as Record<string, unknown>)) params[k] = String(v);
      // Behind a proxy the URL Twilio signed is the public one: PUBLIC_URL says what that is.
      const url = `${publicUrl ?? `${req.protocol}://${req.host}`}${req.url}`;
      const signature = req.headers['x-twilio-signature'];
      if (!sms.verify(url, params, typeof signature === 'string' ? signature : undefined)) {
        return sendError(reply, 'KEFU_UNAUTHORIZED', 'invalid SMS signature');
      }
      if (!params.From) return sendError(reply, 'KEFU_BAD_REQUEST', 'expected From and Body');
      return reply.type('text/xml; charset=utf-8').send(await sms.receive(params));
    });
  });
}
