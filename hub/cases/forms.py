"""Code lists of the unified application form (水电气暖信报装申请表 / 一次过户申请表)."""

from enum import StrEnum


class WaterNature(StrEnum):
    """用水性质."""

    RESIDENTIAL = "RESIDENTIAL"  # 居民用水
    NON_RESIDENTIAL = "NON_RESIDENTIAL"  # 非居民用水
    SPECIAL_INDUSTRY = "SPECIAL_INDUSTRY"  # 特种行业用水


class WaterCategory(StrEnum):
    """报装分类."""

    NEW = "NEW"  # 新装
    CALIBRE_CHANGE = "CALIBRE_CHANGE"  # 变更口径
    METER_RELOCATION = "METER_RELOCATION"  # 水表迁移
    ONE_METER_PER_HOUSEHOLD = "ONE_METER_PER_HOUSEHOLD"  # 一户一表改造
    CONSTRUCTION = "CONSTRUCTION"  # 基建（施工用水）


class WaterSupplyMode(StrEnum):
    """供水方式 (enterprise form)."""

    MUNICIPAL_DIRECT = "MUNICIPAL_DIRECT"  # 市政直供
    SECONDARY = "SECONDARY"  # 二次供水


class WaterUserCategory(StrEnum):
    """用户类别 (enterprise form)."""

    REAL_ESTATE = "REAL_ESTATE"
    INDUSTRY_COMMERCE = "INDUSTRY_COMMERCE"
    GREENING = "GREENING"
    PUBLIC_TOILET = "PUBLIC_TOILET"
    SCHOOL = "SCHOOL"
    HOSPITAL = "HOSPITAL"
    OTHER = "OTHER"


class Voltage(StrEnum):
    LOW = "LOW"
    HIGH = "HIGH"


class ElectricityBusinessType(StrEnum):
    """业务类型."""

    NEW = "NEW"  # 新装
    CAPACITY_INCREASE = "CAPACITY_INCREASE"  # 增容
    TEMPORARY = "TEMPORARY"  # 临时


class ElectricitySupplyMode(StrEnum):
    """供电方式 for low voltage."""

    AC_220V = "AC_220V"
    AC_380V = "AC_380V"


class ElectricityUserCategory(StrEnum):
    """用电类别 for high voltage."""

    INDUSTRIAL = "INDUSTRIAL"
    NON_INDUSTRIAL = "NON_INDUSTRIAL"
    COMMERCIAL = "COMMERCIAL"
    AGRICULTURAL = "AGRICULTURAL"
    OTHER = "OTHER"


class HeatingSystemType(StrEnum):
    """采暖系统类型."""

    RADIATOR = "RADIATOR"  # 散热器采暖
    FLOOR_RADIANT = "FLOOR_RADIANT"  # 地板辐射采暖
    OTHER = "OTHER"


class HeatingUse(StrEnum):
    """性质 rows of the heat-load table."""

    INDUSTRIAL = "INDUSTRIAL"
    RESIDENTIAL_HEATING = "RESIDENTIAL_HEATING"
    RESIDENTIAL_HOT_WATER = "RESIDENTIAL_HOT_WATER"
    NON_RESIDENTIAL_HEATING = "NON_RESIDENTIAL_HEATING"
    NON_RESIDENTIAL_HOT_WATER = "NON_RESIDENTIAL_HOT_WATER"


class TelecomProduct(StrEnum):
    MOBILE = "MOBILE"  # 手机
    FIXED_LINE = "FIXED_LINE"  # 固话
    BROADBAND = "BROADBAND"  # 宽带
    OTHER = "OTHER"
