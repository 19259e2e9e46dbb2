/** What kind of provincial-level division a province is. */
export type ProvinceKind = 'province' | 'autonomous_region' | 'municipality' | 'sar';

/** A prefecture-level division (地级市, 自治州, 地区, 盟); for a municipality or SAR, itself. */
export interface City {
  /** Canonical full name in simplified Chinese, e.g. 深圳市, 延边朝鲜族自治州. */
  readonly name: string;
  /** The name people say, e.g. 深圳, 延边. */
  readonly short: string;
  /** English (pinyin, or the customary romanization), e.g. Shenzhen, Hohhot. */
  readonly en: string;
  /** Other spellings people write, in Chinese or English. */
  readonly aliases: readonly string[];
  /** The 2-digit code of its province. */
  readonly provinceCode: string;
}

/** A provincial-level division with its GB/T 2260 code and its prefecture-level divisions. */
export interface Province {
  readonly code: string;
  readonly name: string;
  readonly short: string;
  readonly en: string;
  readonly aliases: readonly string[];
  readonly kind: ProvinceKind;
  readonly cities: readonly City[];
}

// One line a city: `full short English[/alias...]`. The data is kept as text because 333
// object literals would bury it; the parser below is the only reader.
type Row = [
  code: string,
  name: string,
  short: string,
  en: string,
  kind: ProvinceKind,
  cities: string,
  aliases?: string,
];

const ROWS: readonly Row[] = [
  ['11', '北京市', '北京', 'Beijing', 'municipality', '', 'Peking'],
  ['12', '天津市', '天津', 'Tianjin', 'municipality', ''],
  [
    '13',
    '河北省',
    '河北',
    'Hebei',
    'province',
    `
    石家庄市 石家庄 Shijiazhuang
    唐山市 唐山 Tangshan
    秦皇岛市 秦皇岛 Qinhuangdao
    邯郸市 邯郸 Handan
    邢台市 邢台 Xingtai
    保定市 保定 Baoding
    张家口市 张家口 Zhangjiakou
    承德市 承德 Chengde
    沧州市 沧州 Cangzhou
    廊坊市 廊坊 Langfang
    衡水市 衡水 Hengshui`,
  ],
  [
    '14',
    '山西省',
    '山西',
    'Shanxi',
    'province',
    `
    太原市 太原 Taiyuan
    大同市 大同 Datong
    阳泉市 阳泉 Yangquan
    长治市 长治 Changzhi
    晋城市 晋城 Jincheng
    朔州市 朔州 Shuozhou
    晋中市 晋中 Jinzhong
    运城市 运城 Yuncheng
    忻州市 忻州 Xinzhou
    临汾市 临汾 Linfen
    吕梁市 吕梁 Lvliang/Lüliang/Luliang`,
  ],
  [
    '15',
    '内蒙古自治区',
    '内蒙古',
    'Inner Mongolia',
    'autonomous_region',
    `
    呼和浩特市 呼和浩特 Hohhot/Huhehaote
    包头市 包头 Baotou
    乌海市 乌海 Wuhai
    赤峰市 赤峰 Chifeng
    通辽市 通辽 Tongliao
    鄂尔多斯市 鄂尔多斯 Ordos/Eerduosi
    呼伦贝尔市 呼伦贝尔 Hulunbuir/Hulunbeier
    巴彦淖尔市 巴彦淖尔 Bayannur
    乌兰察布市 乌兰察布 Ulanqab/Wulanchabu
    兴安盟 兴安 Hinggan/Xing'an League
    锡林郭勒盟 锡林郭勒 Xilingol/Xilinguole
    阿拉善盟 阿拉善 Alxa/Alashan`,
    '内蒙/Nei Mongol/Neimenggu',
  ],
  [
    '21',
    '辽宁省',
    '辽宁',
    'Liaoning',
    'province',
    `
    沈阳市 沈阳 Shenyang
    大连市 大连 Dalian
    鞍山市 鞍山 Anshan
    抚顺市 抚顺 Fushun
    本溪市 本溪 Benxi
    丹东市 丹东 Dandong
    锦州市 锦州 Jinzhou
    营口市 营口 Yingkou
    阜新市 阜新 Fuxin
    辽阳市 辽阳 Liaoyang
    盘锦市 盘锦 Panjin
    铁岭市 铁岭 Tieling
    朝阳市 朝阳 Chaoyang
    葫芦岛市 葫芦岛 Huludao`,
  ],
  [
    '22',
    '吉林省',
    '吉林',
    'Jilin',
    'province',
    `
    长春市 长春 Changchun
    吉林市 吉林 Jilin
    四平市 四平 Siping
    辽源市 辽源 Liaoyuan
    通化市 通化 Tonghua
    白山市 白山 Baishan
    松原市 松原 Songyuan
    白城市 白城 Baicheng
    延边朝鲜族自治州 延边 Yanbian`,
  ],
  [
    '23',
    '黑龙江省',
    '黑龙江',
    'Heilongjiang',
    'province',
    `
    哈尔滨市 哈尔滨 Harbin/Haerbin
    齐齐哈尔市 齐齐哈尔 Qiqihar/Qiqihaer
    鸡西市 鸡西 Jixi
    鹤岗市 鹤岗 Hegang
    双鸭山市 双鸭山 Shuangyashan
    大庆市 大庆 Daqing
    伊春市 伊春 Yichun
    佳木斯市 佳木斯 Jiamusi
    七台河市 七台河 Qitaihe
    牡丹江市 牡丹江 Mudanjiang
    黑河市 黑河 Heihe
    绥化市 绥化 Suihua
    大兴安岭地区 大兴安岭 Da Hinggan Ling/Daxing'anling`,
  ],
  ['31', '上海市', '上海', 'Shanghai', 'municipality', ''],
  [
    '32',
    '江苏省',
    '江苏',
    'Jiangsu',
    'province',
    `
    南京市 南京 Nanjing
    无锡市 无锡 Wuxi
    徐州市 徐州 Xuzhou
    常州市 常州 Changzhou
    苏州市 苏州 Suzhou
    南通市 南通 Nantong
    连云港市 连云港 Lianyungang
    淮安市 淮安 Huai'an
    盐城市 盐城 Yancheng
    扬州市 扬州 Yangzhou
    镇江市 镇江 Zhenjiang
    泰州市 泰州 Taizhou
    宿迁市 宿迁 Suqian`,
  ],
  [
    '33',
    '浙江省',
    '浙江',
    'Zhejiang',
    'province',
    `
    杭州市 杭州 Hangzhou
    宁波市 宁波 Ningbo
    温州市 温州 Wenzhou
    嘉兴市 嘉兴 Jiaxing
    湖州市 湖州 Huzhou
    绍兴市 绍兴 Shaoxing
    金华市 金华 Jinhua
    衢州市 衢州 Quzhou
    舟山市 舟山 Zhoushan
    台州市 台州 Taizhou
    丽水市 丽水 Lishui`,
  ],
  [
    '34',
    '安徽省',
    '安徽',
    'Anhui',
    'province',
    `
    合肥市 合肥 Hefei
    芜湖市 芜湖 Wuhu
    蚌埠市 蚌埠 Bengbu
    淮南市 淮南 Huainan
    马鞍山市 马鞍山 Ma'anshan
    淮北市 淮北 Huaibei
    铜陵市 铜陵 Tongling
    安庆市 安庆 Anqing
    黄山市 黄山 Huangshan
    滁州市 滁州 Chuzhou
    阜阳市 阜阳 Fuyang
    宿州市 宿州 Suzhou
    六安市 六安 Lu'an
    亳州市 亳州 Bozhou
    池州市 池州 Chizhou
    宣城市 宣城 Xuancheng`,
  ],
  [
    '35',
    '福建省',
    '福建',
    'Fujian',
    'province',
    `
    福州市 福州 Fuzhou
    厦门市 厦门 Xiamen/Amoy
    莆田市 莆田 Putian
    三明市 三明 Sanming
    泉州市 泉州 Quanzhou
    漳州市 漳州 Zhangzhou
    南平市 南平 Nanping
    龙岩市 龙岩 Longyan
    宁德市 宁德 Ningde`,
  ],
  [
    '36',
    '江西省',
    '江西',
    'Jiangxi',
    'province',
    `
    南昌市 南昌 Nanchang
    景德镇市 景德镇 Jingdezhen
    萍乡市 萍乡 Pingxiang
    九江市 九江 Jiujiang
    新余市 新余 Xinyu
    鹰潭市 鹰潭 Yingtan
    赣州市 赣州 Ganzhou
    吉安市 吉安 Ji'an
    宜春市 宜春 Yichun
    抚州市 抚州 Fuzhou
    上饶市 上饶 Shangrao`,
  ],
  [
    '37',
    '山东省',
    '山东',
    'Shandong',
    'province',
    `
    济南市 济南 Jinan
    青岛市 青岛 Qingdao/Tsingtao
    淄博市 淄博 Zibo
    枣庄市 枣庄 Zaozhuang
    东营市 东营 Dongying
    烟台市 烟台 Yantai
    潍坊市 潍坊 Weifang
    济宁市 济宁 Jining
    泰安市 泰安 Tai'an
    威海市 威海 Weihai
    日照市 日照 Rizhao
    临沂市 临沂 Linyi
    德州市 德州 Dezhou
    聊城市 聊城 Liaocheng
    滨州市 滨州 Binzhou
    菏泽市 菏泽 Heze`,
  ],
  [
    '41',
    '河南省',
    '河南',
    'Henan',
    'province',
    `
    郑州市 郑州 Zhengzhou
    开封市 开封 Kaifeng
    洛阳市 洛阳 Luoyang
    平顶山市 平顶山 Pingdingshan
    安阳市 安阳 Anyang
    鹤壁市 鹤壁 Hebi
    新乡市 新乡 Xinxiang
    焦作市 焦作 Jiaozuo
    濮阳市 濮阳 Puyang
    许昌市 许昌 Xuchang
    漯河市 漯河 Luohe
    三门峡市 三门峡 Sanmenxia
    南阳市 南阳 Nanyang
    商丘市 商丘 Shangqiu
    信阳市 信阳 Xinyang
    周口市 周口 Zhoukou
    驻马店市 驻马店 Zhumadian`,
  ],
  [
    '42',
    '湖北省',
    '湖北',
    'Hubei',
    'province',
    `
    武汉市 武汉 Wuhan
    黄石市 黄石 Huangshi
    十堰市 十堰 Shiyan
    宜昌市 宜昌 Yichang
    襄阳市 襄阳 Xiangyang
    鄂州市 鄂州 Ezhou
    荆门市 荆门 Jingmen
    孝感市 孝感 Xiaogan
    荆州市 荆州 Jingzhou
    黄冈市 黄冈 Huanggang
    咸宁市 咸宁 Xianning
    随州市 随州 Suizhou
    恩施土家族苗族自治州 恩施 Enshi`,
  ],
  [
    '43',
    '湖南省',
    '湖南',
    'Hunan',
    'province',
    `
    长沙市 长沙 Changsha
    株洲市 株洲 Zhuzhou
    湘潭市 湘潭 Xiangtan
    衡阳市 衡阳 Hengyang
    邵阳市 邵阳 Shaoyang
    岳阳市 岳阳 Yueyang
    常德市 常德 Changde
    张家界市 张家界 Zhangjiajie
    益阳市 益阳 Yiyang
    郴州市 郴州 Chenzhou
    永州市 永州 Yongzhou
    怀化市 怀化 Huaihua
    娄底市 娄底 Loudi
    湘西土家族苗族自治州 湘西 Xiangxi`,
  ],
  [
    '44',
    '广东省',
    '广东',
    'Guangdong',
    'province',
    `
    广州市 广州 Guangzhou/Canton
    韶关市 韶关 Shaoguan
    深圳市 深圳 Shenzhen
    珠海市 珠海 Zhuhai
    汕头市 汕头 Shantou
    佛山市 佛山 Foshan
    江门市 江门 Jiangmen
    湛江市 湛江 Zhanjiang
    茂名市 茂名 Maoming
    肇庆市 肇庆 Zhaoqing
    惠州市 惠州 Huizhou
    梅州市 梅州 Meizhou
    汕尾市 汕尾 Shanwei
    河源市 河源 Heyuan
    阳江市 阳江 Yangjiang
    清远市 清远 Qingyuan
    东莞市 东莞 Dongguan
    中山市 中山 Zhongshan
    潮州市 潮州 Chaozhou
    揭阳市 揭阳 Jieyang
    云浮市 云浮 Yunfu`,
  ],
  [
    '45',
    '广西壮族自治区',
    '广西',
    'Guangxi',
    'autonomous_region',
    `
    南宁市 南宁 Nanning
    柳州市 柳州 Liuzhou
    桂林市 桂林 Guilin
    梧州市 梧州 Wuzhou
    北海市 北海 Beihai
    防城港市 防城港 Fangchenggang
    钦州市 钦州 Qinzhou
    贵港市 贵港 Guigang
    玉林市 玉林 Yulin
    百色市 百色 Baise
    贺州市 贺州 Hezhou
    河池市 河池 Hechi
    来宾市 来宾 Laibin
    崇左市 崇左 Chongzuo`,
  ],
  [
    '46',
    '海南省',
    '海南',
    'Hainan',
    'province',
    `
    海口市 海口 Haikou
    三亚市 三亚 Sanya
    三沙市 三沙 Sansha
    儋州市 儋州 Danzhou`,
  ],
  ['50', '重庆市', '重庆', 'Chongqing', 'municipality', '', 'Chungking'],
  [
    '51',
    '四川省',
    '四川',
    'Sichuan',
    'province',
    `
    成都市 成都 Chengdu
    自贡市 自贡 Zigong
    攀枝花市 攀枝花 Panzhihua
    泸州市 泸州 Luzhou
    德阳市 德阳 Deyang
    绵阳市 绵阳 Mianyang
    广元市 广元 Guangyuan
    遂宁市 遂宁 Suining
    内江市 内江 Neijiang
    乐山市 乐山 Leshan
    南充市 南充 Nanchong
    眉山市 眉山 Meishan
    宜宾市 宜宾 Yibin
    广安市 广安 Guang'an
    达州市 达州 Dazhou
    雅安市 雅安 Ya'an
    巴中市 巴中 Bazhong
    资阳市 资阳 Ziyang
    阿坝藏族羌族自治州 阿坝 Ngawa/Aba
    甘孜藏族自治州 甘孜 Garze/Garzê/Ganzi
    凉山彝族自治州 凉山 Liangshan`,
  ],
  [
    '52',
    '贵州省',
    '贵州',
    'Guizhou',
    'province',
    `
    贵阳市 贵阳 Guiyang
    六盘水市 六盘水 Liupanshui
    遵义市 遵义 Zunyi
    安顺市 安顺 Anshun
    毕节市 毕节 Bijie
    铜仁市 铜仁 Tongren
    黔西南布依族苗族自治州 黔西南 Qianxinan
    黔东南苗族侗族自治州 黔东南 Qiandongnan
    黔南布依族苗族自治州 黔南 Qiannan`,
  ],
  [
    '53',
    '云南省',
    '云南',
    'Yunnan',
    'province',
    `
    昆明市 昆明 Kunming
    曲靖市 曲靖 Qujing
    玉溪市 玉溪 Yuxi
    保山市 保山 Baoshan
    昭通市 昭通 Zhaotong
    丽江市 丽江 Lijiang
    普洱市 普洱 Pu'er
    临沧市 临沧 Lincang
    楚雄彝族自治州 楚雄 Chuxiong
    红河哈尼族彝族自治州 红河 Honghe
    文山壮族苗族自治州 文山 Wenshan
    西双版纳傣族自治州 西双版纳 Xishuangbanna
    大理白族自治州 大理 Dali
    德宏傣族景颇族自治州 德宏 Dehong
    怒江傈僳族自治州 怒江 Nujiang
    迪庆藏族自治州 迪庆 Diqing`,
  ],
  [
    '54',
    '西藏自治区',
    '西藏',
    'Tibet',
    'autonomous_region',
    `
    拉萨市 拉萨 Lhasa
    日喀则市 日喀则 Shigatse/Xigaze/Rikaze
    昌都市 昌都 Qamdo/Chamdo/Changdu
    林芝市 林芝 Nyingchi/Linzhi
    山南市 山南 Shannan
    那曲市 那曲 Nagqu/Naqu
    阿里地区 阿里 Ngari`,
    'Xizang',
  ],
  [
    '61',
    '陕西省',
    '陕西',
    'Shaanxi',
    'province',
    `
    西安市 西安 Xi'an
    铜川市 铜川 Tongchuan
    宝鸡市 宝鸡 Baoji
    咸阳市 咸阳 Xianyang
    渭南市 渭南 Weinan
    延安市 延安 Yan'an
    汉中市 汉中 Hanzhong
    榆林市 榆林 Yulin
    安康市 安康 Ankang
    商洛市 商洛 Shangluo`,
  ],
  [
    '62',
    '甘肃省',
    '甘肃',
    'Gansu',
    'province',
    `
    兰州市 兰州 Lanzhou
    嘉峪关市 嘉峪关 Jiayuguan
    金昌市 金昌 Jinchang
    白银市 白银 Baiyin
    天水市 天水 Tianshui
    武威市 武威 Wuwei
    张掖市 张掖 Zhangye
    平凉市 平凉 Pingliang
    酒泉市 酒泉 Jiuquan
    庆阳市 庆阳 Qingyang
    定西市 定西 Dingxi
    陇南市 陇南 Longnan
    临夏回族自治州 临夏 Linxia
    甘南藏族自治州 甘南 Gannan`,
  ],
  [
    '63',
    '青海省',
    '青海',
    'Qinghai',
    'province',
    `
    西宁市 西宁 Xining
    海东市 海东 Haidong
    海北藏族自治州 海北 Haibei
    黄南藏族自治州 黄南 Huangnan
    海南藏族自治州 海南 Hainan Prefecture
    果洛藏族自治州 果洛 Golog/Guoluo
    玉树藏族自治州 玉树 Yushu
    海西蒙古族藏族自治州 海西 Haixi`,
  ],
  [
    '64',
    '宁夏回族自治区',
    '宁夏',
    'Ningxia',
    'autonomous_region',
    `
    银川市 银川 Yinchuan
    石嘴山市 石嘴山 Shizuishan
    吴忠市 吴忠 Wuzhong
    固原市 固原 Guyuan
    中卫市 中卫 Zhongwei`,
  ],
  [
    '65',
    '新疆维吾尔自治区',
    '新疆',
    'Xinjiang',
    'autonomous_region',
    `
    乌鲁木齐市 乌鲁木齐 Urumqi/Ürümqi/Wulumuqi
    克拉玛依市 克拉玛依 Karamay/Kelamayi
    吐鲁番市 吐鲁番 Turpan/Tulufan
    哈密市 哈密 Hami/Kumul
    昌吉回族自治州 昌吉 Changji
    博尔塔拉蒙古自治州 博尔塔拉 Bortala
    巴音郭楞蒙古自治州 巴音郭楞 Bayingolin
    阿克苏地区 阿克苏 Aksu
    克孜勒苏柯尔克孜自治州 克孜勒苏 Kizilsu
    喀什地区 喀什 Kashgar/Kashi
    和田地区 和田 Hotan/Hetian
    伊犁哈萨克自治州 伊犁 Ili/Yili
    塔城地区 塔城 Tacheng
    阿勒泰地区 阿勒泰 Altay`,
  ],
  // Taiwan's own municipalities, cities and counties, so that addresses there resolve.
  // Hsinchu and Chiayi are each both a city and a county: the counties keep their
  // suffix as the short name so that "新竹" means the city, as people use it.
  [
    '71',
    '台湾省',
    '台湾',
    'Taiwan',
    'province',
    `
    台北市 台北 Taipei
    新北市 新北 New Taipei
    桃园市 桃园 Taoyuan
    台中市 台中 Taichung
    台南市 台南 Tainan
    高雄市 高雄 Kaohsiung
    基隆市 基隆 Keelung
    新竹市 新竹 Hsinchu
    嘉义市 嘉义 Chiayi
    新竹县 新竹县 Hsinchu County
    苗栗县 苗栗 Miaoli
    彰化县 彰化 Changhua
    南投县 南投 Nantou
    云林县 云林 Yunlin
    嘉义县 嘉义县 Chiayi County
    屏东县 屏东 Pingtung
    宜兰县 宜兰 Yilan
    花莲县 花莲 Hualien
    台东县 台东 Taitung
    澎湖县 澎湖 Penghu
    金门县 金门 Kinmen
    连江县 连江 Lienchiang/Matsu`,
  ],
  ['81', '香港特别行政区', '香港', 'Hong Kong', 'sar', '', '香港特区/Hongkong/HKSAR'],
  ['82', '澳门特别行政区', '澳门', 'Macau', 'sar', '', '澳门特区/Macao/MSAR'],
];

function parseCities(code: string, name: string, short: string, en: string, text: string, aliases: string[]): City[] {
  // A municipality or SAR is its own (only) prefecture-level division.
  if (text.trim() === '') return [{ name, short, en, aliases, provinceCode: code }];
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [full = '', shortName = '', ...rest] = line.trim().split(' ');
      const [english = '', ...more] = rest.join(' ').split('/');
      // Autonomous prefectures are commonly called by short name plus 州 (延边州).
      const extra = full.endsWith('自治州') ? [`${shortName}州`] : [];
      return { name: full, short: shortName, en: english, aliases: [...extra, ...more], provinceCode: code };
    });
}

/** All 34 provincial-level divisions, in GB/T 2260 code order, with their prefecture-level divisions. */
export const PROVINCES: readonly Province[] = ROWS.map(([code, name, short, en, kind, cities, aliases]) => {
  const alias = aliases ? aliases.split('/') : [];
  return {
    code,
    name,
    short,
    en,
    aliases: alias,
    kind,
    cities: parseCities(code, name, short, en, cities ?? '', alias),
  };
});

/** Every prefecture-level division of every province, flattened. */
export const CITIES: readonly City[] = PROVINCES.flatMap((p) => p.cities);

/** The province a city belongs to. */
export function provinceOf(city: City): Province {
  const p = PROVINCES.find((x) => x.code === city.provinceCode);
  if (!p) throw new Error(`no province ${city.provinceCode}`);
  return p;
}

/**
 * Traditional characters found in the names above (as Taiwan, Hong Kong and OpenCC write
 * them) and their simplified forms, position for position. One character for one, so that
 * converting text keeps its offsets.
 */
export const TRADITIONAL_CHARS =
  '內區遼寧龍蘇東廣壯慶貴雲陝肅維爾臺灣別門莊島鄲張滄陽長晉運臨呂頭烏峯倫貝彥蘭興錫瀋連撫順錦營盤鐵嶺蘆邊鮮濱齊雞鶴崗雙鴨綏無鹽揚鎮遷溫紹華麗蕪馬銅黃廈巖鄉餘鷹贛饒濟棗煙濰澤鄭開頂許峽駐漢荊岡鹹隨嶽懷婁關遠欽賀來賓亞貢瀘綿樂達資壩涼義畢節紅納頗薩則裏寶銀隴樹吳衛魯瑪園縣蓮裡衞';
/** The simplified form of each character of {@link TRADITIONAL_CHARS}, at the same position. */
export const SIMPLIFIED_CHARS =
  '内区辽宁龙苏东广壮庆贵云陕肃维尔台湾别门庄岛郸张沧阳长晋运临吕头乌峰伦贝彦兰兴锡沈连抚顺锦营盘铁岭芦边鲜滨齐鸡鹤岗双鸭绥无盐扬镇迁温绍华丽芜马铜黄厦岩乡余鹰赣饶济枣烟潍泽郑开顶许峡驻汉荆冈咸随岳怀娄关远钦贺来宾亚贡泸绵乐达资坝凉义毕节红纳颇萨则里宝银陇树吴卫鲁玛园县莲里卫';
