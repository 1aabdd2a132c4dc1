// Chinese labels of the API's codes (the codes themselves stay visible where staff need them, e.g. in exports).

export const LABELS = {
  role: {
    GOVERNANCE: "数据治理", SUPERVISOR: "时限监管", UTILITY: "公用企业", CLERK: "窗口受理", PLATFORM: "政务平台",
    APPLICANT: "申请人",
  },
  shareType: { UNCONDITIONAL: "无条件共享", CONDITIONAL: "有条件共享", NOT_SHARED: "不予共享" },
  sensitivity: { PUBLIC: "公开", INTERNAL: "内部", PERSONAL: "个人信息", SENSITIVE_PERSONAL: "敏感个人信息" },
  access: { READ_FULL: "完整读取", READ_MASKED: "脱敏读取", WRITE: "写入" },
  origin: { DEFAULT: "目录默认", GOVERNANCE: "治理授权", REQUEST: "申请批准" },
  requestStatus: { PENDING: "待审批", APPROVED: "已批准", REFUSED: "已拒绝" },
  service: { WATER: "供水", ELECTRICITY: "供电", GAS: "供气", HEATING: "供热", TELECOM: "通信" },
  caseType: { TRANSFER: "过户", CONNECTION: "报装" },
  channel: {
    CITIZEN_CENTRE_WINDOW: "市民之家窗口", UTILITY_HALL: "企业营业厅", GOVERNMENT_PORTAL: "开封政务服务网",
    MOBILE_APP: "汴捷办 APP", GOVERNMENT_PLATFORM: "一体化政务平台",
  },
  assignmentStatus: {
    PENDING: "待接收", RECEIVED: "已接收", ACCEPTED: "已受理", NEEDS_MATERIALS: "待补正", COMPLETED: "已办结",
    REJECTED: "已退回",
  },
  updateCycle: {
    IRREGULAR: "不定时", REAL_TIME: "实时", DAILY: "每日", WEEKLY: "每周", MONTHLY: "每月", QUARTERLY: "每季度",
    HALF_YEARLY: "每半年", YEARLY: "每年",
  },
  openType: { NOT_OPEN: "不向公众开放", OPEN: "向公众开放" },
  mask: { NONE: "不脱敏", NAME: "姓名脱敏", PHONE: "手机号脱敏", ID_NUMBER: "证件号脱敏", ACCOUNT: "户号脱敏", REDACT: "隐去" },
  auditKind: { READ: "读取", WRITE: "写入" },
  unit: { WORKING_DAYS: "个工作日", WORKING_HOURS: "个工作小时", SAME_WORKING_DAY: "当日办结" },
  variant: { DEFAULT: "一般", HIGH_VOLTAGE: "高压", LOW_VOLTAGE_EXTERNAL_WORKS: "低压（含外线工程）" },
  entity: {
    CATALOGUE_ITEM: "目录信息项", GRANT: "共享授权", REQUEST: "共享申请", CLIENT: "接入客户端", CALENDAR: "工作日历",
    TIME_LIMIT_RULE: "时限规则", CLOCK: "系统时钟", CATALOGUE: "共享目录",
  },
  action: {
    UPDATE: "修改", GRANT: "授权", REVOKE: "撤销", REQUEST: "提交申请", APPROVED: "批准", REFUSED: "拒绝",
    REGISTER: "注册", ROTATE: "更换密钥", DISABLE: "停用", IMPORT: "导入", SET: "设定", LOAD: "载入",
  },
  groupBy: { UTILITY: "公用企业", SERVICE: "业务", CASE_TYPE: "事项类型", DISTRICT: "行政区域", CHANNEL: "受理渠道" },
};

export function label(list, code) {
  if (code === null || code === undefined) return "—";
  return (LABELS[list] && LABELS[list][code]) || code;
}
