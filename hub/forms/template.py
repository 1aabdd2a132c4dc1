"""The wording of the printed forms, as the seed's forms have it: 汴城管〔2022〕115号 附件4 水电气暖信报装申请表
（个人报装 / 企业报装） and 开封市供水、供电、供气、供热一次过户申请表. Labels of the code lists, in the forms' order."""

from hub.cases import forms
from hub.enums import Channel, EnterpriseType

SERVICES = (("WATER", "用水报装"), ("ELECTRICITY", "用电报装"), ("GAS", "用气报装"), ("HEATING", "用热报装"),
            ("TELECOM", "通信报装"))
TRANSFER_SERVICES = (("WATER", "供水"), ("ELECTRICITY", "供电"), ("GAS", "供气"), ("HEATING", "供暖"))
ENTERPRISE_TYPES = ((EnterpriseType.PRIVATE, "民营"), (EnterpriseType.STATE_OWNED, "国企"),
                    (EnterpriseType.PUBLIC_INSTITUTION, "事业单位"))
WATER_NATURE = ((forms.WaterNature.RESIDENTIAL, "居民用水"), (forms.WaterNature.NON_RESIDENTIAL, "非居民用水"),
                (forms.WaterNature.SPECIAL_INDUSTRY, "特种行业用水"))
WATER_CATEGORY = ((forms.WaterCategory.NEW, "新装"), (forms.WaterCategory.CALIBRE_CHANGE, "变更口径"),
                  (forms.WaterCategory.METER_RELOCATION, "水表迁移"),
                  (forms.WaterCategory.ONE_METER_PER_HOUSEHOLD, "一户一表改造"),
                  (forms.WaterCategory.CONSTRUCTION, "基建（施工用水）"))
WATER_SUPPLY = ((forms.WaterSupplyMode.MUNICIPAL_DIRECT, "市政直供"), (forms.WaterSupplyMode.SECONDARY, "二次供水"))
WATER_USER = ((forms.WaterUserCategory.REAL_ESTATE, "房地产"), (forms.WaterUserCategory.INDUSTRY_COMMERCE, "工商业"),
              (forms.WaterUserCategory.GREENING, "绿化"), (forms.WaterUserCategory.PUBLIC_TOILET, "公厕"),
              (forms.WaterUserCategory.SCHOOL, "学校"), (forms.WaterUserCategory.HOSPITAL, "医院"),
              (forms.WaterUserCategory.OTHER, "其他"))
VOLTAGE = ((forms.Voltage.HIGH, "高压"), (forms.Voltage.LOW, "低压"))
BUSINESS_TYPE = ((forms.ElectricityBusinessType.NEW, "新装"), (forms.ElectricityBusinessType.CAPACITY_INCREASE, "增容"),
                 (forms.ElectricityBusinessType.TEMPORARY, "临时"))
SUPPLY_MODE = {forms.ElectricitySupplyMode.AC_220V: "交流 220V", forms.ElectricitySupplyMode.AC_380V: "交流 380V"}
POWER_USER = ((forms.ElectricityUserCategory.INDUSTRIAL, "工业"), (forms.ElectricityUserCategory.NON_INDUSTRIAL, "非工业"),
              (forms.ElectricityUserCategory.COMMERCIAL, "商业"), (forms.ElectricityUserCategory.AGRICULTURAL, "农业"),
              (forms.ElectricityUserCategory.OTHER, "其他"))
YES_NO = ((True, "有"), (False, "无"))
HEATING_SYSTEM = ((forms.HeatingSystemType.RADIATOR, "散热器采暖"), (forms.HeatingSystemType.FLOOR_RADIANT, "地板辐射采暖"),
                  (forms.HeatingSystemType.OTHER, "其他"))
TELECOM = ((forms.TelecomProduct.MOBILE, "手机"), (forms.TelecomProduct.FIXED_LINE, "固话"),
           (forms.TelecomProduct.BROADBAND, "宽带"), (forms.TelecomProduct.OTHER, "其他（说明）"))
# 性质 rows of the heat-load table: the individual form has the residential rows only.
LOADS_INDIVIDUAL = ((forms.HeatingUse.RESIDENTIAL_HEATING, "居民", "采暖"),
                    (forms.HeatingUse.RESIDENTIAL_HOT_WATER, "居民", "生活热水"))
LOADS_ENTERPRISE = ((forms.HeatingUse.INDUSTRIAL, "工业", ""), *LOADS_INDIVIDUAL,
                    (forms.HeatingUse.NON_RESIDENTIAL_HEATING, "非居民", "采暖"),
                    (forms.HeatingUse.NON_RESIDENTIAL_HOT_WATER, "非居民", "生活热水"))
# 供气过户: 需安检完毕，结清所有费用，再办理过户 — the preconditions the gas company confirms (materials catalogue).
PRECONDITIONS = {"GAS_SAFETY_CHECK_DONE": "安检完毕", "GAS_FEES_SETTLED": "结清所有费用"}
PRECONDITION_SERVICES = (("GAS", "供气过户：需安检完毕，结清所有费用，再办理过户。"),)
CHANNELS = {Channel.CITIZEN_CENTRE_WINDOW: "市民之家窗口", Channel.UTILITY_HALL: "营业厅窗口",
            Channel.GOVERNMENT_PORTAL: "开封政务服务网", Channel.MOBILE_APP: "汴捷办 APP",
            Channel.GOVERNMENT_PLATFORM: "一体化政务平台"}
SIGNATORIES = {"APPLICANT": "申请人", "LEGAL_REPRESENTATIVE": "法人代表", "AGENT": "经办人"}
COMMITMENT_CHANNELS = {"WINDOW_SIGNATURE": "窗口签字确认", "SIGNATURE_PAD": "窗口电子签名确认",
                       "ONLINE_CONSENT": "在线确认"}
IDENTITY_CHECKS = {"ID_CARD_CHECKED": "核验身份证原件", "ID_CARD_READER": "身份证阅读器核验",
                   "REAL_NAME_LOGIN": "实名账号登录"}

WATER_NOTES_INDIVIDUAL = (
    "1. 用水性质：居民生活用水主要指城镇居民住宅家庭的日常生活用水；非居民用水主要指工业、经营服务用水和行政事业单位用水、"
    "市政用水（环卫、绿化）、生态用水、消防用水等；特种用水主要指高耗水行业用水，如洗车、高档洗浴、游泳池（馆）、高尔夫球场、"
    "水上娱乐项目、以自来水为原料的纯净水生产用水等。",
)
WATER_NOTES_ENTERPRISE = (
    "1. 供水方式：市政直供指市政自来水直接供给的形式；二次供水指单位或个人将市政公共供水或自建设施供水经储存、加压，"
    "通过管道再供用户或自用的形式。",
)
WATER_NOTES_CATEGORY = (
    "2. 报装分类：新装为新户申请接水；变更口径为老用户水表或管道增减口径（增减容）；水表迁移为老用户水表井设施的改造迁移；"
    "一户一表改造为老用户庭院表或单元表的分表改造；基建用水为项目施工临时用水。"
)
POWER_NOTES = ("1. 业务类型：新装、增容为项目正式用电；施工用电为基建用电。", "2. 供电方式：低压供电分为交流 220V、交流 380V。")
GAS_PROJECT_HINT = "项目内容：（民用项目可在本栏对申报户数、采暖方式等进行项目描述）"
TRANSFER_PROCESS = "材料齐全即时办理"
