/**
 * Domain concepts: words customers use for the same idea map to one feature, so that a
 * phrasing the training data never saw ("网卡得要死", "u overcharged me") still lands
 * near its intent. Patterns run on normalised (simplified, lower-case) text.
 */
export const CONCEPTS: ReadonlyArray<readonly [string, RegExp]> = [
  [
    'open',
    /开通|开个|开一下|开了|办理|办个|办一下|申请|申办|新办|新装|登记|提交|apply|aply|open|activate|sign (me )?up|enable|register|subscribe/,
  ],
  [
    'close',
    /关闭|关掉|关了|关比|关必|关异地|注销|停掉|停用|停了|退订|退掉|销户|撤销|终止|解除|取消异地|取消掉|不用了|不需要.*了|close|terminate|deactivate|unsubscribe|disable|shut|cancel (my|the) /,
  ],
  ['service', /异地|异第|漫游|cross|region|regoin|remote/],
  [
    'progress',
    /进度|进渡|进展|状态|到哪|哪一步|环节|审核|结果|好了没|好没|办好|通过|生效|回复了|处理了|有消息|没消息|怎么还没|咋还没|多久|催|跟进|单号|工单|单子|查询|查一下|status|track|progress|approved|update|updte|news|where is my|at\b/,
  ],
  [
    'fault',
    /信号|信好|讯号|网速|没网|上不了网|断了|断线|掉线|卡|扣|收费|话费|账单|故障|报修|很慢|太慢|用不了|打不通|听不清|收不到|无服务|没有信号|贵/,
  ],
  [
    'complain',
    /投诉|投述|举报|不满|太差|很差|烂|不服|说法|complain|complaint|rude|terrible|sucks|bad|overcharg|charge|bill|fault|slow|drop|no signal|signal|coverage|not working/,
  ],
  [
    'praise',
    /建议|建意|表扬|点赞|点个赞|按赞|赞|希望|改进|改善|优化|意见|满意|很好|挺好|不错|很棒|专业|周到|点子|suggest|praise|compliment|kudos|idea|improve|great|nice to|would be nice|should|consider|easier/,
  ],
  [
    'human',
    /人工|人宫|人公|真人|活人|客服专员|客服人员|工作人员沟通|坐席|经理|领导|机器人|human|\bperson\b|agent|agnet|representative|operator|bot\b|someone/,
  ],
  [
    'docs',
    /材料|才料|证件|身份证|身分证|执照|资料|文件|带什么|带啥|带哪些|准备|复印件|户口|公章|印章|手续|证明|表格|填什么|document|bring|id card|licen[cs]e|paperwork|requir|prepare|copy of/,
  ],
  [
    'time',
    /几点|机点|时间|开门|开们|关门|上班|下班|营业吗|营业厅开|开不开|周末|周六|周日|星期天|节假日|假日|放假|春节|国庆|五一|24小时|晚上|早上|中午|半夜|今天|今儿|明天|what time|hours|when (does|do|are|is)|open on|opening|closing|weekend|holiday|sunday|today|24/,
  ],
  [
    'where',
    /哪里|哪儿|在哪|去哪|哪个|渠道|方式|网上|线上|线下|在线|app|营业厅|网厅|电话|热线|微信|小程序|官网|地址|附近|网点|现场|跑|联系|where|online|\bapp\b|store|channel|hotline|contact|near|by phone|in person|hall|service point/,
  ],
  [
    'hello',
    /^(你好|您好|在吗|在么|在不在|嗨|早|哈喽|哈罗|哈啰|喂|嘿|hi+|hello|helo|hey|yo|morning|greetings)|你好|您好|有人在吗|good (morning|afternoon|evening)/,
  ],
  [
    'thanks',
    /谢|感谢|感恩|拜|掰|再见|回头见|辛苦|3q|88|没别的|没有别的|没有其他|没事了|就这样|就这些|先这样|bye|thank|thx|cheers|that's all|that's everything|nice day|see you/,
  ],
  [
    'yes',
    /^(是|对|好|嗯|行|中|要|可以|没错|没问题|确认|确定|同意|正确|ok|okay|yes|yeah|yep|yup|sure|right|correct|confirm|absolutely|of course|go ahead|sounds good)/,
  ],
  ['no', /^(不|没|否|错|别|no|nope|nah|not|wrong|incorrect|negative|don't)/],
  [
    'stop',
    /算了|算啦|不办|不弄|不搞|不继续|别办|放弃|取消$|^取消|退出|停止|^停|中止|结束|撤回|重来|重新来|返回|主菜单|改主意|改变主意|cancel|cancle|never ?mind|nvm|forget it|quit|abort|exit|start over|go back|changed my mind|stop/,
  ],
  [
    'help',
    /帮助|帮帮|求助|功能|菜单|选单|怎么用|咋用|不会用|怎么操作|怎么操做|使用说明|指南|能做什么|能干|会干|会什么|能帮我|你是做什么|怎么办|有哪些服务|常见问题|help|hlep|what can (you|u)|how does this work|menu|options|instructions|how do i use/,
  ],
  [
    'offtopic',
    /天气|下雨|气温|热不热|笑话|段子|机票|航班|飞机|高铁|酒店|股票|基金|比特币|彩票|油价|电影|书|歌|诗|吃|玩|减肥|失恋|无聊|聊天|名字|几岁|颜色|世界杯|下棋|数学|翻译|猫|weather|rain|joke|flight|stock|bitcoin|movie|song|poem|eat|football|meaning of life|how old/,
  ],
];

/** Concept features present in a normalised text. */
export function conceptFeatures(text: string): string[] {
  const out: string[] = [];
  for (const [name, re] of CONCEPTS) if (re.test(text)) out.push('@' + name);
  return out;
}
