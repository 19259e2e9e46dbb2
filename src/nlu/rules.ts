import type { Intent } from '../core/nlu.js';

/**
 * High-precision rules for the intents where a miss is costly: a user who asks for a
 * human or wants to stop must never be kept in a flow by a model's guess. They run on
 * normalised text and win over the model.
 */

// Asking to be transferred. "人工客服几点下班" is a question about hours, so a bare
// "人工客服" is left to the model; only transfer verbs and English requests fire here.
const AGENT =
  /转(接)?(到|给)?(人工|真人|客服)|[找要接叫](个|一个)?(人工|真人)|人工服务|^人工(客服)?$|^(请|给我|帮我|快)?(转|转接)(人工|客服)?$|\b(talk|speak|chat) (to|with) (a |an |someone, )?(human|person|agent|representative|real person)|\b(human|live|real) (agent|person|human)\b|^(agent|human|operator)( please| pls)?$|transfer me to|connect me (to|with) (an? )?(agent|human|person|representative)/;

// Stopping the current flow: the whole message is a stop word, possibly repeated and
// with particles ("算了算了", "取消吧", "不办了啦"). "取消异地业务" is `close`, not this.
const CANCEL_WORD =
  '算了|算啦|取消|退出|停止|停下|停|中止|结束|放弃|不办了|不办啦|不弄了|不搞了|别办了|先不办了|我不办了|我不想办了|不想办了|不要办了|不继续了|不要继续了|重来|重新来|重新开始|返回|回到主菜单|返回主菜单|回主菜单|改主意了|我改主意了|cancel|cancle|never ?mind|nvm|forget it|quit|abort|stop|exit|start over|i changed my mind';
const CANCEL = new RegExp(`^(?:(?:${CANCEL_WORD})(?:吧|啦|了|啊|呀|吗)*[\\s,.!?，。！？~～]*)+$`);

// An urgent problem must reach the complaint flow (and from there a human) even when the
// model hears "停"/"stop" in it and guesses cancel: "停机了，急！" is not a request to stop.
const URGENT_PROBLEM =
  /停机了|被停机|突然停机|打不了电话|打不出去|不能打电话|无法通话|没法打电话|接不了电话|没有信号.*急|急[!！]|紧急|救命|报警|cannot (make|receive) (phone )?calls|can't (make|receive) calls|no service.*(urgent|emergency)|emergency|urgent/;

export const AFFIRM =
  /^(是|是的|是滴|是啊|是呀|对|对的|对啊|对呀|对头|没错|好|好的|好滴|好啊|好呀|好嘞|嗯|嗯嗯|嗯呢|恩|可以|可以的|行|行吧|中|确认|确定|同意|正确|没问题|要|需要|ok|okay|okk|yes|yeah|yep|yup|y|sure|correct|right|confirm|affirmative|of course)([\s,.!?，。！？~～]*(是的|对|好的|嗯|可以|ok|yes|sure|right|please|谢谢))*[\s,.!?，。！？~～]*$/;
export const DENY =
  /^(不|不是|不是的|不对|不要|不用|不用了|不需要|不行|不可以|不同意|不正确|不确认|否|没有|没|错了|错的|no|nope|nah|n|not really|wrong|incorrect|negative|no way)([\s,.!?，。！？~～]*(不是|不对|不要|no|thanks|谢谢))*[\s,.!?，。！？~～]*$/;

/** The intent a rule settles, or undefined when no rule applies. */
export function ruleIntent(text: string): Intent | undefined {
  if (CANCEL.test(text)) return 'cancel';
  if (AGENT.test(text)) return 'agent';
  if (URGENT_PROBLEM.test(text)) return 'complaint';
  return undefined;
}
