import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const url = (name: string) =>
  z
    .string()
    .trim()
    .transform((s) => (s === '' ? undefined : s))
    .optional()
    .refine((s) => s === undefined || URL.canParse(s), { message: `${name} must be a URL` });

/** `redis://`, `rediss://`, or the several-host Sentinel and Cluster forms (parsed in src/store/redis-client.ts). */
const redisUrl = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional()
  .refine(
    (s) =>
      s === undefined ||
      (/^rediss?:\/\//.test(s) && URL.canParse(s)) ||
      /^rediss?-(sentinel|cluster):\/\/([^@/\s]*@)?[^/\s]+(\/\S*)?$/.test(s),
    { message: 'REDIS_URL must be redis://, rediss://, redis-sentinel://h:p,h:p/master or redis-cluster://h:p,h:p' },
  );

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** `name:token,name2:token2` -> Map(token -> name). */
const agentTokens = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const map = new Map<string, string>();
    if (!raw || raw.trim() === '') return map;
    for (const pair of raw.split(',')) {
      const i = pair.indexOf(':');
      const name = pair.slice(0, i).trim();
      const token = pair.slice(i + 1).trim();
      if (i <= 0 || !name || token.length < 3) {
        ctx.addIssue({
          code: 'custom',
          message: 'expected name:token pairs separated by commas, tokens of 3+ characters',
        });
        return z.NEVER;
      }
      map.set(token, name);
    }
    return map;
  });

/**
 * Every setting kefu reads, with its environment variable name. This is the only place
 * that knows `process.env`; everything else receives the parsed `Config`.
 */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978).describe('HTTP port the server listens on.'),
  HOST: z
    .string()
    .default('0.0.0.0')
    .describe('Address the server listens on (`127.0.0.1` behind a reverse proxy on the same host).'),
  REDIS_URL: redisUrl.describe(
    'Where sessions, tickets, timers and analytics live. `redis://[user:pass@]host:6379[/db]`, `rediss://` (TLS), `redis-sentinel://host:26379,host:26379/mastername[/db]`, `redis-cluster://host:6379,host:6379`. Unset: embedded in-memory stores (one process, nothing survives a restart).',
  ),
  SESSION_TTL_MINUTES: positiveInt(30).describe(
    "Idle time after which a conversation's session is forgotten and the next message starts afresh.",
  ),
  ADMIN_TOKEN: optionalString.describe(
    'Bearer token of the admin API and the `/admin/` dashboard. Unset: the admin API refuses every request.',
  ),
  REGION_TABLE_PATH: optionalString.describe(
    'JSON file of business halls by region (src/domain/region-table.ts); the built-in sample when unset.',
  ),
  AGENT_TOKENS: agentTokens.describe(
    'Agents of the console and agent API as `name:token,name2:token2` (tokens of 3+ characters).',
  ),
  AGENT_HOURS: z
    .string()
    .trim()
    .regex(/^([01]\d|2[0-4]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/u, 'AGENT_HOURS must look like 08:00-20:00')
    .default('00:00-24:00')
    .describe(
      'When agents take conversations, `HH:MM-HH:MM` in AGENT_TIMEZONE (may pass midnight); outside, the bot offers a callback or a message.',
    ),
  AGENT_TIMEZONE: z
    .string()
    .trim()
    .default('Asia/Shanghai')
    .refine((tz) => Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC', {
      message: 'AGENT_TIMEZONE must be an IANA time zone',
    })
    .describe('IANA time zone of AGENT_HOURS.'),
  HANDOFF_AVG_MINUTES: positiveInt(4).describe(
    'Average minutes an agent spends on a conversation, for the wait estimate told to users.',
  ),
  HANDOFF_TRANSCRIPT_LIMIT: positiveInt(50).describe(
    "Messages of each conversation shown to agents (both directions); web chat keeps up to 500, the page's history.",
  ),
  AGENT_PRESENCE_SECONDS: positiveInt(45).describe(
    'An agent counts as online this long after the console last checked in.',
  ),
  FEEDBACK_DEPARTMENTS_FILE: optionalString.describe(
    'JSON file mapping feedback categories to departments, over the sample defaults (src/domain/departments.ts).',
  ),
  OPENAI_API_KEY: optionalString.describe(
    'Turns on LLM understanding through an OpenAI-compatible server; the offline model answers on timeout or error.',
  ),
  OPENAI_BASE_URL: url('OPENAI_BASE_URL').describe(
    'OpenAI-compatible endpoint (e.g. a local server); the OpenAI API when unset.',
  ),
  OPENAI_MODEL: z
    .string()
    .trim()
    .min(1)
    .default('gpt-4o-mini')
    .describe('Model name sent to the OpenAI-compatible server.'),
  OPENAI_TIMEOUT_MS: positiveInt(3000).describe('Longest wait for the LLM before the offline model answers.'),
  LINE_CHANNEL_SECRET: optionalString.describe(
    'LINE channel secret (webhook signatures); with LINE_CHANNEL_ACCESS_TOKEN it starts the LINE channel.',
  ),
  LINE_CHANNEL_ACCESS_TOKEN: optionalString.describe('LINE channel access token (reply and push).'),
  LINE_API_BASE_URL: url('LINE_API_BASE_URL').describe(
    'Another host for the LINE Messaging API (tests: a local fake).',
  ),
  MicrosoftAppId: optionalString.describe(
    'Bot Framework app id; starts the Bot Framework channel on `POST /api/messages`.',
  ),
  MicrosoftAppPassword: optionalString.describe('Bot Framework app password (client secret).'),
  MicrosoftAppTenantId: optionalString.describe('Bot Framework tenant, for single-tenant apps.'),
  MicrosoftAppType: optionalString.describe(
    'Bot Framework app type: `MultiTenant`, `SingleTenant` or `UserAssignedMSI`.',
  ),
  BOTFRAMEWORK_EMULATOR: z
    .enum(['true', 'false', ''])
    .default('false')
    .transform((v) => v === 'true')
    .describe('`true`: run the Bot Framework endpoint without credentials, for the Bot Framework Emulator only.'),
  WECHATY_PUPPET: optionalString.describe('wechaty puppet package name; starts the WeChat (personal account) channel.'),
  WECHATY_PUPPET_SERVICE_TOKEN: optionalString.describe(
    'Token of a wechaty puppet service, when the puppet needs one.',
  ),
  WECHAT_TOKEN: optionalString.describe(
    'WeChat Official Account server token (signature check); with WECHAT_APP_ID and WECHAT_APP_SECRET it starts the channel.',
  ),
  WECHAT_APP_ID: optionalString.describe('WeChat Official Account AppID.'),
  WECHAT_APP_SECRET: optionalString.describe(
    'WeChat Official Account AppSecret (access tokens for the customer-service API).',
  ),
  WECHAT_API_BASE_URL: url('WECHAT_API_BASE_URL').describe('Another host for the WeChat API (tests: a local fake).'),
  WECHAT_PASSIVE_REPLY_MS: z.coerce
    .number()
    .int()
    .positive()
    .max(4800)
    .default(4000)
    .describe('How long a WeChat Official Account request waits for a passive reply (WeChat gives up at 5 s).'),
  SMS_AUTH_TOKEN: optionalString.describe(
    'SMS provider auth token (Twilio wire format: request signatures); starts the SMS channel.',
  ),
  SMS_API_BASE_URL: url('SMS_API_BASE_URL').describe('Another host for the SMS REST API (tests: a local fake).'),
  SMS_ACCOUNT_SID: optionalString.describe(
    'Account for proactive SMS through the Messages REST API (with SMS_AUTH_TOKEN).',
  ),
  SMS_FROM: optionalString.describe('The number (or sender id) proactive SMS are sent from.'),
  PUBLIC_URL: url('PUBLIC_URL').describe(
    'Public URL of this server, as platforms see it (SMS signatures cover the full URL).',
  ),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level. Logs are JSON lines with personal data masked (pretty when stdout is a terminal).'),
  MAX_TEXT_LENGTH: positiveInt(2000).describe(
    'Longest user message accepted, in characters; longer ones get a polite refusal.',
  ),
  RATE_LIMIT_USER_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(0)
    .default(120)
    .describe('Messages one user may send a minute (every channel); over it they get a polite refusal. 0: no limit.'),
  RATE_LIMIT_IP_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(0)
    .default(1200)
    .describe(
      'Requests one source address may make a minute to the web, admin and agent APIs (not webhooks). 0: no limit.',
    ),
  TRANSCRIPT_RETENTION_DAYS: positiveInt(30).describe(
    "Days a conversation's transcript (messages kept for agents, web outbox) is kept.",
  ),
  TURN_WAIT_MS: positiveInt(15000).describe(
    'How long a turn may wait for the previous turn of the same conversation before answering "busy".',
  ),
});

export type RawConfig = z.infer<typeof configSchema>;
