import type { Entity, Intent, NluContext, Recognizer, Understanding } from '../core/nlu.js';
import { languageRequestOf } from './language-request.js';

// The first, keyword-based recogniser: predictable, instant, and the safety net the model
// falls back on. Order matters: the first rule that matches wins.
const RULES: [Intent, RegExp][] = [
  ['agent', /转人工|人工客服|人工服务|找人工|真人|human|agent|operator|轉人工|人工/i],
  ['cancel', /^(取消|算了|不办了|退出|cancel|stop|quit|取消吧|不用了)$/i],
  [
    'close',
    /(关闭|取消|注销|停止|停用|關閉).{0,6}(异地|異地|服务|服務|业务|業務)|close (my |the )?(cross-region )?service/i,
  ],
  ['apply', /(申请|办理|开通|开|辦理|申請|開通).{0,6}(异地|異地)|异地服务|異地服務|apply|cross-region service/i],
  ['status', /进度|進度|到哪|状态|狀態|查询工单|查一下|工单|工單|progress|status|YD\d{12}|FK\d{12}/i],
  ['complaint', /投诉|投訴|故障|信号差|信號差|没信号|扣费|扣費|乱收费|态度差|complain|problem|fault|no signal/i],
  ['suggestion', /建议|建議|表扬|表揚|点赞|suggest|praise/i],
  ['materials', /材料|证件|證件|带什么|准备什么|documents?|what do i need/i],
  ['hours', /几点|幾點|营业时间|營業時間|开门|開門|关门|受理时间|hours|open(ing)? time|when .*open/i],
  ['channels', /在哪(里)?办|怎么办理|哪里办|渠道|线上|线下|营业厅在|where (can|do) i|how (can|do) i apply/i],
  ['help', /^(帮助|help|菜单|menu|\?|？|幫助|選單)$/i],
  ['greet', /^(你好|您好|hi|hello|hey|在吗|哈喽|嗨|早上好|晚上好)[!！。.]?$/i],
  ['goodbye', /再见|拜拜|谢谢|感謝|謝謝|bye|thanks|thank you|没有了|就这样/i],
  ['affirm', /^(是|是的|对|对的|好|好的|嗯|确认|同意|可以|yes|yep|ok|okay|sure|y|對|確認)[!！。.]?$/i],
  ['deny', /^(不|不是|不对|否|no|nope|n|不要|不用|不對)[!！。.]?$/i],
];

const TICKET = /(?<![A-Za-z0-9])(YD|FK)(\d{12})(?!\d)/gi;

function detectLocale(text: string): Understanding['detectedLocale'] {
  if (/[們這個麼說請問謝業務異關開辦營廳號碼訊]/.test(text)) return 'zh-TW';
  if (/[们这个么说请问谢业务异关开办营厅号码讯]/.test(text)) return 'zh-CN';
  if ((text.match(/[a-z]{2,}/gi) ?? []).length >= 2 && !/[\u4e00-\u9fff]/.test(text)) return 'en';
  return undefined;
}

/** A keyword recogniser behind the `Recognizer` port. */
export function createKeywordRecognizer(): Recognizer {
  return {
    understand(raw: string, context?: NluContext): Understanding {
      const text = raw.normalize('NFKC').trim();
      const entities: Entity[] = [];
      for (const m of text.matchAll(TICKET)) entities.push({ type: 'ticket', value: m[0].toUpperCase() });
      const out: Understanding = { text: raw, intent: 'other', confidence: 0.3, entities };
      const detected = detectLocale(text);
      if (detected) out.detectedLocale = detected;
      const lang = languageRequestOf(text);
      if (lang) out.languageRequest = lang;
      if (context?.expecting === 'choice' && context.choices) {
        const n = Number(text);
        const picked = Number.isInteger(n) && n >= 1 ? context.choices[n - 1] : undefined;
        if (picked) out.choice = picked;
      }
      for (const [intent, re] of RULES) {
        if (re.test(text)) {
          out.intent = intent;
          out.confidence = 0.9;
          break;
        }
      }
      return out;
    },
  };
}
