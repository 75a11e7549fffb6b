// Chinese by default, English on request (?lang=en, or the header button, remembered).
// Only the page's own words are translated: names are shown as they were loaded.

export type Lang = "zh" | "en";

const KEY = "alliancegraph.lang";

function initial(): Lang {
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked === "en" || asked === "zh") return asked;
  return localStorage.getItem(KEY) === "en" ? "en" : "zh";
}

export let lang: Lang = initial();

export function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem(KEY, next);
  document.documentElement.lang = next === "zh" ? "zh-CN" : "en";
}

type Words = Record<string, [string, string]>;

const WORDS: Words = {
  title: ["医联体规划视图", "Medical alliance planner"],
  asOf: ["日期", "As of"],
  switchLang: ["English", "中文"],
  coverage: ["网格覆盖", "Coverage"],
  graph: ["医联体网络", "Alliance graph"],
  findings: ["核查结果", "Findings"],
  route: ["转诊路径", "Route explorer"],
  loading: ["加载中…", "Loading…"],
  error: ["出错了", "Something went wrong"],
  tokenPrompt: ["服务器要求访问令牌（Bearer token）：", "The server asks for an access token (bearer token):"],
  noData: ["无数据", "No data"],
  // coverage
  uncovered: ["未覆盖", "uncovered"],
  covered: ["单一覆盖", "covered once"],
  overlap: ["重复覆盖", "covered more than once"],
  // coverage: official outlines and drill-down (views/outlines.ts)
  outlineMap: ["行政区划边界", "Division outlines"],
  outlineUp: ["返回上一级", "Up one level"],
  noGridsHere: ["未划定网格", "no grids defined"],
  noGrids: ["此数据集没有记录网格：下图只显示行政区划。", "This dataset records no grids: the chart shows the divisions only."],
  servedBy: ["负责医联体", "Served by"],
  none: ["无", "none"],
  gridsCount: ["网格数", "Grids"],
  division: ["行政区划", "Division"],
  level: ["级别", "Level"],
  shareCovered: ["覆盖率", "Share covered"],
  summary: ["分区汇总", "Summary by division"],
  map: ["边界地图", "Boundary map"],
  treemap: ["区划层级", "Division hierarchy"],
  // graph
  pickAlliance: ["医联体", "Alliance"],
  pickDivision: ["或行政区划", "or division"],
  choose: ["— 请选择 —", "— choose —"],
  show: ["显示", "Show"],
  levelsShown: ["显示级别", "Levels shown"],
  nodes: ["机构", "institutions"],
  edges: ["连线", "links"],
  pairing: ["对口帮扶", "counterpart pair"],
  channelUp: ["上转通道", "channel up"],
  channelDown: ["下转通道", "channel down"],
  membership: ["成员关系", "membership"],
  details: ["机构详情", "Institution"],
  clickNode: ["点击机构查看详情。", "Click an institution for its details."],
  alliances: ["所属医联体", "Alliances"],
  counterparts: ["对口机构", "Counterparts"],
  channels: ["转诊通道", "Referral channels"],
  roles: ["转诊职责", "Referral roles"],
  source: ["来源", "Source"],
  assumption: ["假设", "Assumption"],
  type: ["类型", "Type"],
  ownership: ["举办性质", "Ownership"],
  namesAlt: ["别名", "Other names"],
  lead: ["牵头单位", "Lead"],
  responsible: ["负责人", "responsible"],
  kind: ["形式", "Kind"],
  integration: ["紧密程度", "Integration"],
  large: ["机构较多：先显示上级机构，可按级别展开。", "Many institutions: higher levels first; add levels below."],
  progressive: ["正在分批加载…", "Loading in batches…"],
  truncated: ["只显示前 {n} 家机构。", "Only the first {n} institutions are shown."],
  // findings
  validatorFindings: ["核查发现", "Validator findings"],
  unaffiliated: ["未加入医联体的机构", "Unaffiliated institutions"],
  severity: ["严重程度", "Severity"],
  rule: ["规则", "Rule"],
  clause: ["依据条款", "Source clause"],
  subject: ["对象", "Subject"],
  subjectKind: ["对象类型", "Kind"],
  message: ["说明", "Message"],
  reason: ["原因", "Reason"],
  institution: ["机构", "Institution"],
  all: ["全部", "all"],
  search: ["搜索", "Search"],
  exportCsv: ["导出 CSV", "Export CSV"],
  rows: ["{n} 行", "{n} rows"],
  counts: ["错误 {e} · 警告 {w} · 提示 {i}", "{e} errors · {w} warnings · {i} notes"],
  dataIntegrity: ["数据一致性", "data integrity"],
  noPolicyRule: ["无适用政策条款", "no policy rule applies"],
  regionsWithoutPolicy: ["未载入政策的地区（不作政策核查，并非合规）：{list}", "Regions without policy (not checked against any policy, which is not compliance): {list}"],
  regionCount: ["{name}（{n} 家机构）", "{name} ({n} institutions)"],
  // route
  origin: ["起点机构", "Origin"],
  condition: ["病种", "Condition"],
  severe: ["重症", "severe"],
  direction: ["方向", "Direction"],
  outOfRegion: ["转往区域外", "out of region"],
  employeeOf: ["职工所属单位", "Employee of"],
  readmissionOf: ["再入院（原治疗机构）", "Readmission of"],
  to: ["目标机构（可选）", "Destination (optional)"],
  flags: ["特殊情形", "Circumstances"],
  findRoute: ["查询路径", "Find the route"],
  allowed: ["允许", "ALLOWED"],
  notAllowed: ["不允许", "NOT ALLOWED"],
  hops: ["转诊步骤", "Hops"],
  destinations: ["可接收机构", "Admissible destinations"],
  preferredDest: ["首选", "preferred"],
  alsoAdmissible: ["也可接收", "also admissible"],
  consequences: ["对患者的影响", "What it means for the patient"],
  onRoute: ["按此路径", "on this route"],
  offRoute: ["不按路径", "off the route"],
  ifCondition: ["（视条件）", " (if it applies)"],
  phase: ["下转情形", "Down-referral phase"],
  alternatives: ["可选替代", "Alternatives"],
  policy: ["政策", "Policy"],
  via: ["途径", "Via"],
  anyAt: ["任一{level}机构", "any {level} institution"],
  pickOrigin: ["输入机构名称或编号，从列表中选择。", "Type an institution's name or id and pick it from the list."],
  // what if…? and the fragility overlay (views/whatif.ts, issue 14)
  whatIf: ["假如……？", "What if…?"],
  whatIfHelp: ["勾选“从图中选取”，点击机构即结束其在本医联体的成员关系，点击对口连线即结束该对口关系；然后运行。只在副本上计算，不改动数据。", "Tick “pick from the graph”, then click an institution to end its membership of this alliance, or a pairing line to end that pairing; then run. Computed on a copy: the data is not changed."],
  whatIfPick: ["从图中选取变更", "pick changes from the graph"],
  whatIfRemove: ["移除此变更", "remove this change"],
  whatIfRun: ["运行情景", "Run the scenario"],
  whatIfLeaves: ["{name} 退出本医联体", "{name} leaves this alliance"],
  whatIfUnpair: ["结束对口：{upper} → {lower}", "end pairing {upper} → {lower}"],
  whatIfNew: ["新增核查发现（{n}）", "New findings ({n})"],
  whatIfResolved: ["消除的核查发现（{n}）", "Resolved findings ({n})"],
  whatIfCoverage: ["网格覆盖变化（{n}）", "Coverage changes ({n})"],
  whatIfUnaffiliated: ["成员义务变化（{n}）", "Membership obligations ({n})"],
  whatIfBecomes: ["变为未加入医联体", "becomes unaffiliated"],
  whatIfNoLonger: ["不再未加入医联体", "no longer unaffiliated"],
  whatIfRoutes: ["转诊路径变化（{n}，共比较 {origins} 家起点机构）", "Changed routes ({n}, of {origins} origins compared)"],
  whatIfBefore: ["变更前", "Before"],
  whatIfAfter: ["变更后", "After"],
  whatIfClosed: ["机构已撤销", "closed (the institution no longer exists)"],
  fragileShow: ["标出单点依赖（其失效会切断下级的全部上转路径）", "Mark single points of failure (every up route of others runs through them)"],
  fragileDependents: ["{n} 家依赖", "{n} depend"],
  fragileOne: ["{name}（{n} 家依赖）", "{name} ({n} depend on it)"],
  fragileSome: ["单点依赖：{list}", "Single points of failure: {list}"],
  fragileNone: ["本医联体没有单点依赖。", "This alliance has no single point of failure."],
  // --- issue 15 (page): pickers, the date control, the county report --------------------
  pickInstitution: ["输入机构名称（简繁皆可）", "Type part of a name (either script)"],
  noMatch: ["没有名称包含“{text}”的机构。", "No institution's name contains “{text}”."],
  closestNames: ["没有名称包含“{text}”的机构；以下名称最接近：", "No name contains “{text}”; the closest names:"],
  matchCount: ["{n} 个结果，用 ↑↓ 选择、回车确认。", "{n} results: ↑↓ to move, Enter to choose."],
  ambiguousName: ["名称不唯一：{text}", "More than one institution has that name: {text}"],
  pickOriginFirst: ["— 先选择起点机构 —", "— choose the origin first —"],
  notEmployee: ["— 否 —", "— not an employee —"],
  noPolicy: ["未载入该地区政策（标准病种编号）", "no policy for this region (standard condition ids)"],
  year: ["年", "Year"],
  month: ["月", "Month"],
  day: ["日", "Day"],
  today: ["今天", "Today"],
  report: ["县域报告", "County report"],
  printReport: ["打印报告", "Print report"],
  reportTitle: ["{name}医联体建设情况报告", "Medical alliances in {name}: report"],
  reportCoverage: ["网格覆盖", "Grid coverage"],
  reportAlliances: ["医联体及成员", "Alliances and their members"],
  reportKpis: ["转诊指标（{period}）", "Referral figures ({period})"],
  reportSources: ["所用政策与数据", "Policies and data used"],
  reportFootnote: ["本报告涵盖该区划内 {n} 个对象（机构、医联体、网格、区划）。", "This report covers {n} subjects in the division (institutions, alliances, grids, divisions)."],
  noOutlines: ["此数据集没有该区划的边界。", "This dataset draws no outlines for this division."],
  noneFound: ["无", "None"],
  region: ["地区", "Region"],
  metric: ["指标", "Figure"],
  value: ["数值", "Value"],
  cap: ["限值", "Cap or target"],
  status: ["状态", "Status"],
  inForce: ["现行", "in force"],
  days: ["天", "days"],
  groupOf: ["{n} 个{what}", "{n} × {what}"],
  baseMembers: ["基层成员", "base members"],
  clickExpand: ["点击展开", "click to expand"],
  groupsSummary: ["按上级机构展开或收起（{n} 组）", "Expand or fold by upper partner ({n} groups)"],
  fold: ["收起", "fold"],
  // --- end of issue 15 ------------------------------------------------------------------
};

export function t(key: string, vars: Record<string, string | number> = {}): string {
  const pair = WORDS[key];
  let text = pair ? pair[lang === "zh" ? 0 : 1] : key;
  for (const [k, v] of Object.entries(vars)) text = text.replace(`{${k}}`, String(v));
  return text;
}

const ENUMS: Record<string, Record<string, [string, string]>> = {
  level: {
    TERTIARY: ["三级", "tertiary"],
    SECONDARY: ["二级", "secondary"],
    PRIMARY: ["一级/基层", "primary"],
    UNRATED: ["未定级", "unrated"],
  },
  type: {
    GENERAL: ["综合医院", "general hospital"],
    TCM: ["中医医院", "TCM hospital"],
    MATERNAL_CHILD: ["妇幼保健院", "maternal & child health"],
    PSYCHIATRIC: ["精神卫生机构", "psychiatric"],
    INFECTIOUS: ["传染病医院", "infectious-disease hospital"],
    SPECIALTY: ["专科医院", "specialty hospital"],
    REHABILITATION: ["康复医院", "rehabilitation"],
    NURSING: ["护理院", "nursing home"],
    TOWNSHIP_CENTRE: ["乡镇卫生院", "township health centre"],
    CENTRAL_TOWNSHIP_CENTRE: ["中心卫生院", "central township centre"],
    COMMUNITY_CENTRE: ["社区卫生服务中心", "community health centre"],
    COMMUNITY_STATION: ["社区卫生服务站", "community health station"],
    VILLAGE_CLINIC: ["村卫生室", "village clinic"],
    STAFF_HOSPITAL: ["职工医院", "staff hospital"],
    COUNTY_SUBCENTRE: ["县域医疗次中心", "county sub-centre"],
    INDEPENDENT_LAB: ["独立检验中心", "independent lab"],
    INDEPENDENT_IMAGING: ["独立影像中心", "independent imaging"],
    INDEPENDENT_PATHOLOGY: ["独立病理中心", "independent pathology"],
    DIALYSIS_CENTRE: ["血液透析中心", "dialysis centre"],
    HOSPITAL: ["医院（类型未注明）", "hospital (type not stated)"],
  },
  kind: {
    URBAN_GROUP: ["城市医疗集团", "urban medical group"],
    COUNTY_COMMUNITY: ["县域医共体", "county medical community"],
    URBAN_RURAL: ["城乡医联体", "urban-rural alliance"],
    SPECIALTY: ["专科联盟", "specialty alliance"],
    TELEMEDICINE: ["远程医疗协作网", "telemedicine network"],
    TRUSTEESHIP: ["托管", "trusteeship"],
  },
  role: {
    LEAD: ["牵头单位", "lead"],
    HUB: ["枢纽", "hub"],
    BASE: ["基础", "base"],
    MEMBER: ["成员", "member"],
    TRUSTEE: ["托管方", "trustee"],
    MANAGED: ["被托管", "managed"],
  },
  divisionLevel: {
    PROVINCE: ["省", "province"],
    CITY: ["市", "city"],
    COUNTY: ["县", "county"],
    DISTRICT: ["区", "district"],
    TOWNSHIP: ["乡镇", "township"],
    STREET: ["街道", "street"],
    VILLAGE: ["村", "village"],
  },
  status: {
    UNCOVERED: ["未覆盖", "uncovered"],
    COVERED: ["单一覆盖", "covered once"],
    OVERLAP: ["重复覆盖", "covered more than once"],
  },
  severity: {
    ERROR: ["错误", "error"],
    WARNING: ["警告", "warning"],
    INFO: ["提示", "info"],
  },
  subjectKind: {
    INSTITUTION: ["机构", "institution"],
    ALLIANCE: ["医联体", "alliance"],
    GRID: ["网格", "grid"],
    DIVISION: ["行政区划", "division"],
  },
  reason: {
    PUBLIC_HOSPITAL: ["二级及以上公立医院", "public hospital, secondary or above"],
    PUBLIC_PRIMARY: ["政府办基层医疗卫生机构", "government-run primary institution"],
    OWNERSHIP_UNKNOWN: ["举办性质不详", "ownership not recorded"],
    NO_OBLIGATION: ["所在地区无适用的入联条款", "no membership rule applies here"],
  },
  ownership: {
    PUBLIC: ["公立", "public"],
    SOCIAL: ["社会办", "social"],
    UNKNOWN: ["不详", "unknown"],
  },
  integration: {
    TIGHT: ["紧密型", "tight"],
    LOOSE: ["松散型", "loose"],
    UNKNOWN: ["不详", "unknown"],
  },
  direction: {
    UP: ["上转", "up"],
    DOWN: ["下转", "down"],
  },
  flag: {
    EMERGENCY: ["急诊", "emergency"],
    CRITICAL: ["危重", "critical"],
    SPECIAL_POPULATION: ["特殊人群", "special population"],
    INFECTIOUS_NOTIFIABLE: ["法定传染病", "notifiable infectious disease"],
    AMBULANCE_120: ["120 急救", "120 ambulance"],
    MASS_CASUALTY: ["群体伤", "mass casualty"],
    BEYOND_CAPACITY: ["超出处理能力", "beyond capacity"],
    TRAVELLING: ["异地", "travelling"],
    SIGNED_RESIDENT: ["家庭医生签约居民", "signed resident"],
  },
  phase: {
    RECOVERY: ["康复期", "recovery"],
    POST_SURGERY: ["术后恢复期", "after surgery"],
    CRITICAL_STABLE: ["危重症稳定期", "stable after critical illness"],
    CHRONIC_STABLE: ["病情稳定的慢性病", "stable chronic"],
    ELDERLY: ["老年病", "geriatric"],
    LATE_CANCER: ["晚期癌症", "late-stage cancer"],
    STABLE_PSYCHIATRIC: ["病情稳定的精神疾病", "stable psychiatric"],
  },
  verdict: {
    PREFERRED: ["首选路径", "PREFERRED"],
    ADMISSIBLE: ["可以转诊（非首选）", "ADMISSIBLE"],
    REFUSED: ["不允许", "REFUSED"],
  },
  modality: {
    MUST: ["必须", "must"],
    MAY: ["可", "may"],
    PREFER: ["优先", "preferably"],
  },
  referralRole: {
    FIRST_CONTACT: ["负责首诊", "first contact"],
    ACCEPTS_REFERRALS: ["接受转诊", "accepts referrals"],
    HANDLES_OUT_OF_REGION: ["负责外转", "handles out-of-region referrals"],
  },
};

/** An enum value's label; values from report fields may come lower-case. */
export function label(kind: string, value: string | null | undefined): string {
  if (!value) return "";
  const pair = ENUMS[kind]?.[value.toUpperCase()];
  return pair ? pair[lang === "zh" ? 0 : 1] : value;
}

export function enumValues(kind: string): string[] {
  return Object.keys(ENUMS[kind] ?? {});
}
