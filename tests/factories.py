"""Valid inputs to start from; tests change one thing at a time."""

import copy

from stdnum.cn import ric, uscc


def resident_id(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def credit_code(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


PERSON_ID = resident_id("41020219880312003")  # born 1988-03-12, 龙亭区
AGENT_ID = resident_id("41022119920715004")
LEGAL_REP_ID = resident_id("41020419750101005")
SELLER_ID = resident_id("41020319650508006")  # the previous holder (原户主) of a transfer
ENTERPRISE_CODE = credit_code("91410200MA44ABCD1")
PREVIOUS_LEGAL_REP_ID = resident_id("41020519700202007")  # 法人代表 of an enterprise previous holder
PREVIOUS_ENTERPRISE = credit_code("91410200MA44QRTU2")
LETTER_FIRST_CODE = credit_code("N2410200MA0000007")  # co-operative: begins with a letter


def individual_transfer(**changes) -> dict:
    data = {
        "caseType": "TRANSFER",
        "channel": "CITIZEN_CENTRE_WINDOW",
        "applicant": {"kind": "INDIVIDUAL", "name": "张伟", "phone": "13800138000", "idNumber": PERSON_ID},
        "previousHolder": {"kind": "INDIVIDUAL", "name": "刘秀英", "idNumber": SELLER_ID},
        "site": {"address": "开封市龙亭区北门大街 12 号 3 单元 402", "districtCode": "410202"},
        "water": {"accountNumber": "W-100231"},
        "electricity": {"accountNumber": "0410023344"},
        "gas": {"accountNumber": "G-7781"},
        "heating": {"accountNumber": "H-5520"},
        "materials": [
            {"typeCode": "RESIDENT_ID_CARD", "number": PERSON_ID, "holder": "张伟", "verified": True},
            {"typeCode": "PROPERTY_CERTIFICATE", "number": "豫(2024)开封市不动产权第0012345号", "verified": True},
            {"typeCode": "OWNER_ID", "holder": "张伟", "verified": True},
        ],
        "note": "购房后过户",
    }
    data.update(changes)
    return copy.deepcopy(data)


def individual_connection(**changes) -> dict:
    """The transfer's applicant and site asking for new service: sections are the caller's to give."""
    data = individual_transfer(caseType="CONNECTION", previousHolder=None, vatInvoiceWanted=False,
                               water=None, electricity=None, gas=None, heating=None)
    data.update(changes)
    return copy.deepcopy(data)


def enterprise_connection(**changes) -> dict:
    data = {
        "caseType": "CONNECTION",
        "channel": "CITIZEN_CENTRE_WINDOW",
        "applicant": {
            "kind": "ENTERPRISE", "name": "开封市宋都食品有限公司", "creditCode": ENTERPRISE_CODE,
            "enterpriseType": "PRIVATE", "address": "开封市祥符区工业园 8 号", "phone": "13912345678",
            "legalRepresentative": {"name": "李强", "phone": "13700137000", "idNumber": LEGAL_REP_ID},
        },
        "agent": {"name": "王芳", "phone": "13600136000", "idNumber": AGENT_ID},
        "site": {"address": "开封市祥符区工业园 8 号厂房", "districtCode": "410212", "projectName": "宋都食品二期厂房"},
        "water": {"nature": "NON_RESIDENTIAL", "category": "NEW", "supplyMode": "MUNICIPAL_DIRECT",
                  "userCategory": "INDUSTRY_COMMERCE"},
        "electricity": {
            "voltage": "HIGH", "businessType": "NEW", "userCategory": "INDUSTRIAL",
            "ownPowerSource": True, "ownPowerCapacityKw": 200, "nonLinearLoad": False,
            "firstSourceExistingKva": 0, "firstSourceRequestedKva": 1000,
        },
        "gas": {"households": 1, "hourlyM3": 45.5, "projectDescription": "食品加工蒸汽锅炉"},
        "heating": {"startDate": "2027-11-15", "systemType": "RADIATOR",
                    "loads": [{"use": "INDUSTRIAL", "areaM2": 3200, "mediumParameters": "95/70℃", "loadKw": 420}]},
        "telecom": {"productTypes": ["BROADBAND", "FIXED_LINE"], "installAddress": "开封市祥符区工业园 8 号办公楼"},
        "vatInvoiceWanted": True,
        "vatInvoice": {"name": "开封市宋都食品有限公司", "phone": "0371-23456789", "taxNumber": ENTERPRISE_CODE,
                       "bank": "中国银行开封分行", "bankAccount": "2468013579"},
        "materials": [
            {"typeCode": "BUSINESS_LICENCE", "number": ENTERPRISE_CODE, "verified": True},
            {"typeCode": "LEGAL_REP_ID", "number": LEGAL_REP_ID, "verified": True},
            {"typeCode": "AGENT_ID", "number": AGENT_ID, "verified": True},
            {"typeCode": "PROPERTY_CERTIFICATE", "verified": True},
        ],
    }
    data.update(changes)
    return copy.deepcopy(data)


def enterprise_power_transfer(**changes) -> dict:  # type: ignore[no-untyped-def]
    """An enterprise takes over another's electricity account: the 过户 form has no 企业类型 box."""
    data = individual_transfer(water=None, gas=None, heating=None, **changes)
    data["applicant"] = {"kind": "ENTERPRISE", "name": "开封市宋都食品有限公司", "creditCode": ENTERPRISE_CODE,
                         "phone": "13912345678",
                         "legalRepresentative": {"name": "李强", "phone": "13700137000", "idNumber": LEGAL_REP_ID}}
    data["previousHolder"] = {"kind": "ENTERPRISE", "name": "开封市汴梁纺织有限公司", "creditCode": PREVIOUS_ENTERPRISE,
                              "legalRepresentative": {"name": "赵刚", "phone": "13611112222",
                                                      "idNumber": PREVIOUS_LEGAL_REP_ID}}
    data["materials"] = [{"typeCode": code, "verified": True}
                         for code in ("BUSINESS_LICENCE", "LEGAL_REP_ID", "PROPERTY_CERTIFICATE")]
    return data
