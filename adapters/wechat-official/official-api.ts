import { localeFromTag } from '../text-rendering.js';
import type { Locale } from '../../src/core/message.js';

/** Where the access token is shared between processes (a ChannelStateStore, structurally). */
export interface TokenCache {
  get<T>(conversationId: string, name: string): Promise<T | undefined>;
  set(conversationId: string, name: string, value: unknown, ttlMs?: number): Promise<void>;
  delete(conversationId: string, name: string): Promise<void>;
}

export class WechatApiError extends Error {
  override readonly name = 'WechatApiError';
  readonly code = 'KEFU_WECHAT_API';
  constructor(
    readonly errcode: number,
    errmsg: string,
  ) {
    super(`WeChat API error ${errcode}: ${errmsg}`);
  }
}

// 40001 invalid credential, 40014 invalid token, 42001 token expired: fetch a new one and retry.
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);
/** Refresh this long before WeChat's expiry (7200 s), so a token is never used as it dies. */
const TOKEN_MARGIN_MS = 300_000;
const CACHE_SCOPE = '_wechat-official';

/**
 * The parts of the Official Account API kefu uses: the access token (`/cgi-bin/token`, cached
 * and shared, because every fetch invalidates the previous token after a grace period), the
 * customer-service message API and the user's language.
 */
export class WechatOfficialApi {
  private token?: { value: string; expiresAt: number };

  constructor(
    private readonly o: { baseUrl: string; appId: string; appSecret: string; cache?: TokenCache; now?: () => number },
  ) {}

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > this.now()) return this.token.value;
    const shared = await this.o.cache?.get<{ value: string; expiresAt: number }>(CACHE_SCOPE, 'access-token');
    if (shared && shared.expiresAt > this.now()) return (this.token = shared).value;
    const url = `${this.base()}/cgi-bin/token?grant_type=client_credential&appid=${encodeURIComponent(this.o.appId)}&secret=${encodeURIComponent(this.o.appSecret)}`;
    const body = (await (await fetch(url, { signal: AbortSignal.timeout(10_000) })).json()) as {
      access_token?: string;
      expires_in?: number;
      errcode?: number;
      errmsg?: string;
    };
    if (!body.access_token) throw new WechatApiError(body.errcode ?? -1, body.errmsg ?? 'no access_token');
    const ttl = Math.max((body.expires_in ?? 7200) * 1000 - TOKEN_MARGIN_MS, 60_000);
    this.token = { value: body.access_token, expiresAt: this.now() + ttl };
    await this.o.cache?.set(CACHE_SCOPE, 'access-token', this.token, ttl);
    return this.token.value;
  }

  private async forgetToken(): Promise<void> {
    this.token = undefined;
    await this.o.cache?.delete(CACHE_SCOPE, 'access-token');
  }

  private base(): string {
    return this.o.baseUrl.replace(/\/$/, '');
  }

  /** A call with the token; a rejected token is refreshed once. */
  private async call<T extends { errcode?: number; errmsg?: string }>(
    path: string,
    init?: { body: unknown },
    retried = false,
  ): Promise<T> {
    const token = await this.accessToken();
    const sep = path.includes('?') ? '&' : '?';
    const res = await fetch(`${this.base()}${path}${sep}access_token=${encodeURIComponent(token)}`, {
      method: init ? 'POST' : 'GET',
      ...(init ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json()) as T;
    if (body.errcode && TOKEN_ERRORS.has(body.errcode) && !retried) {
      await this.forgetToken();
      return this.call(path, init, true);
    }
    if (body.errcode) throw new WechatApiError(body.errcode, body.errmsg ?? '');
    return body;
  }

  /**
   * Customer-service text message. WeChat accepts these only within 48 hours of the user's last
   * message (errcode 45015 otherwise).
   */
  async sendText(openId: string, content: string): Promise<void> {
    await this.call('/cgi-bin/message/custom/send', { body: { touser: openId, msgtype: 'text', text: { content } } });
  }

  /** The user's WeChat language (`zh_CN`, `zh_TW`, `en`), when the API tells it. */
  async userLocale(openId: string): Promise<Locale | undefined> {
    const info = await this.call<{ language?: string; errcode?: number }>(
      `/cgi-bin/user/info?openid=${encodeURIComponent(openId)}&lang=zh_CN`,
    );
    return localeFromTag(info.language);
  }
}
