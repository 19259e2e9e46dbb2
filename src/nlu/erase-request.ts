import { nfkc } from './normalize.js';

// A request to erase one's personal data (PIPL art. 47), asked in so many words. Matched on the
// whole, short message: "怎么删除我的信息" in a longer question about something else is not one,
// and erasing on a weak signal is worse than asking the user to say it plainly.
const REQUESTS: RegExp[] = [
  /^(?:请|麻烦)?(?:帮我)?(?:删除|删掉|清除|注销|抹去)(?:我的?)?(?:所有的?|全部的?)?(?:个人)?(?:信息|数据|资料|隐私|记录)(?:吧|谢谢)?$/u,
  /^(?:請|麻煩)?(?:幫我)?(?:刪除|刪掉|清除|註銷)(?:我的?)?(?:所有的?|全部的?)?(?:個人)?(?:資訊|資料|數據|隱私|紀錄|記錄)(?:吧|謝謝)?$/u,
  /^(?:please\s+)?(?:delete|erase|remove|wipe)\s+(?:all\s+(?:of\s+)?)?my\s+(?:personal\s+)?(?:data|information|info|details|records)(?:\s+please)?$/iu,
  /^(?:please\s+)?forget\s+me(?:\s+please)?$/iu,
];

/** True when the message asks, plainly and briefly, for the user's personal data to be erased. */
export function isEraseRequest(text: string): boolean {
  const t = nfkc(text)
    .trim()
    .replace(/[\s。！!.?？，,]+$/u, '')
    .replace(/\s+/gu, ' ');
  if (t.length === 0 || t.length > 40) return false;
  return REQUESTS.some((re) => re.test(t));
}
