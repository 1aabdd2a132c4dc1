"""The three printed forms, laid out as the seed has them: 水电气暖信报装申请表（个人报装 / 企业报装） and
开封市供水、供电、供气、供热一次过户申请表. Each shows only what the caller may read of the case (PrintedCase);
what the case does not have is left blank for the applicant to fill in by hand."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from hub.commitments.rules import ApplicationForm, PublishedText
from hub.forms import template as t
from hub.forms.pdf import CHECKED, TIE, UNCHECKED, Cell, Grid, choices, label, render, text, value, when
from hub.forms.reading import PrintedCase


@dataclass(frozen=True)
class Names:
    """Reference data the forms name things by."""

    districts: Mapping[str, str]
    material_types: Mapping[str, str]


def build(form: ApplicationForm, case: PrintedCase, commitment: PublishedText | None, names: Names,
          printed_at: datetime) -> bytes:
    title = commitment.title if commitment else FORM_TITLES[form]
    grid = Grid()
    LAYOUTS[form](grid, case, names)
    _signature(grid, form, case, commitment)
    number = case.get("Case.number") or ""
    header = [f"办件编号：{number}", f"受理渠道：{t.CHANNELS.get(case.get('Case.channel'), '')}",
              f"申请时间：{when(case.get('Case.submittedAt')) or ''}"]
    footer = f"办件 {number}　打印于 {when(printed_at)}　请核对无误后签字（签章），交受理窗口。"
    return render(title, header, grid, footer)


def _individual(grid: Grid, case: PrintedCase, names: Names) -> None:
    g = case.get
    grid.row(label("用户名称", 2), value(g("Applicant.name"), 3), label("电话", 1), value(g("Applicant.phone"), 2),
             label("身份证号", 1), value(g("Applicant.idNumber"), 3))
    _site(grid, case, names, "报装地址")
    _agent(grid, case)
    _requested(grid, case)
    _water(grid, case, enterprise=False)
    _electricity(grid, case, enterprise=False)
    _gas(grid, case)
    _heating(grid, case, t.LOADS_INDIVIDUAL)
    _telecom(grid, case)
    _invoice(grid, case, enterprise=False)


def _enterprise(grid: Grid, case: PrintedCase, names: Names) -> None:
    g = case.get
    grid.row(label("用户名称", 2), value(g("Applicant.name"), 5), label("机构信用代码", 2),
             value(g("Applicant.creditCode"), 3))
    grid.row(label("企业类型", 2), value(choices(t.ENTERPRISE_TYPES, g("Applicant.enterpriseType")), 5),
             label("行政区域", 2), value(names.districts.get(g("Site.districtCode"), ""), 3))
    grid.row(label("单位地址", 2), value(g("Applicant.address"), 10))
    grid.row(label("法人代表", 2), label("姓名", 1), value(g("LegalRepresentative.name"), 2), label("电话", 1),
             value(g("LegalRepresentative.phone"), 2), label("身份证号", 1), value(g("LegalRepresentative.idNumber"), 3))
    _agent(grid, case)
    _requested(grid, case)
    grid.row(label("项目名称", 2), value(g("Site.projectName"), 10))
    grid.row(label("项目地址", 2), value(g("Site.address"), 10))
    _water(grid, case, enterprise=True)
    _electricity(grid, case, enterprise=True)
    _gas(grid, case)
    _heating(grid, case, t.LOADS_ENTERPRISE)
    _telecom(grid, case)
    _invoice(grid, case, enterprise=True)


def _transfer(grid: Grid, case: PrintedCase, names: Names) -> None:
    g = case.get
    grid.row(label("申请用户\n（新户主）", 2), value(g("Applicant.name"), 3), label("用户地址", 2),
             value(g("Site.address"), 5))
    _legal(grid, case, "Applicant", "LegalRepresentative")
    contact = ("Applicant" if case.contact_is_applicant else "Contact")  # 联系人: the applicant unless another is named
    grid.row(label("联系人", 1), value(g(f"{contact}.name"), 2), label("联系电话", 2), value(g(f"{contact}.phone"), 2),
             *_identity(case, "Applicant", 2, 3))
    grid.row(label("原户主", 2), value(g("PreviousHolder.name"), 3), *_identity(case, "PreviousHolder", 2, 5))
    _legal(grid, case, "PreviousHolder", "PreviousLegalRepresentative")
    accounts = [f"{CHECKED if service in case.sections else UNCHECKED}{TIE}{name}（户号：{_account(case, service)}）"
                for service, name in t.TRANSFER_SERVICES]
    accounts = "\n".join("　".join(accounts[i:i + 2]) for i in range(0, len(accounts), 2))  # two a line, as written
    grid.row(label("类型", 1), value(accounts, 6), label("受理时间", 2), value(when(g("Case.submittedAt")), 3))
    grid.row(label("申报材料", 2), value(_materials(case, names), 10))
    for service, condition in t.PRECONDITION_SERVICES:
        if service in case.preconditions:
            grid.row(label("办理前提", 2), value(f"{condition}\n{_preconditions(case.preconditions[service])}", 10))
    grid.row(label("受理流程", 2), value(t.TRANSFER_PROCESS, 10))
    grid.row(label("过户说明\n（申请用户填写）", 3), value(g("Case.note") or "\n\n", 9))
    grid.row(label("受理说明\n（受理单位填写）", 3), value(g("Intake.notes") or "\n\n", 9))


def _identity(case: PrintedCase, party: str, label_span: int, value_span: int) -> tuple[Cell, Cell]:
    """身份证号码 of a person, 机构信用代码 of an enterprise (新户主 or 原户主)."""
    enterprise = case.get(f"{party}.kind") == "ENTERPRISE"
    number = case.get(f"{party}.creditCode") if enterprise else case.get(f"{party}.idNumber")
    return label("机构信用代码" if enterprise else "身份证号码", label_span), value(number, value_span)


def _legal(grid: Grid, case: PrintedCase, party: str, legal: str) -> None:
    """The 法人代表 of an enterprise party: both sides' proofs are checked on an enterprise transfer."""
    name, number = case.get(f"{legal}.name"), case.get(f"{legal}.idNumber")
    if case.get(f"{party}.kind") == "ENTERPRISE" or name or number:
        grid.row(label("法人代表", 2), label("姓名", 1), value(name, 3), label("身份证号", 2), value(number, 4))


def _preconditions(rows: list[dict]) -> str:
    """■ 安检完毕（2026年11月20日） as the gas company confirmed it; □ and a date to write where it has not."""
    marks = []
    for row in rows:
        name = t.PRECONDITIONS.get(row.get("Precondition.code"), row.get("Precondition.code") or "")
        day = _date(row.get("Precondition.on")) or "　　年　　月　　日"
        marks.append(f"{CHECKED if row.get('Precondition.met') else UNCHECKED}{TIE}{name}（{day}）")
    return "　".join(marks)


def _account(case: PrintedCase, service: str) -> str:
    section = case.section(service) or {}
    return next((str(v) for k, v in section.items() if k.endswith(".accountNumber")), "　　　　")


def _materials(case: PrintedCase, names: Names) -> str:
    lines = []
    for m in case.materials:
        name = names.material_types.get(m.get("Material.typeCode"), m.get("Material.typeCode") or "")
        details = "，".join(str(x) for x in (m.get("Material.holder"), m.get("Material.number")) if x)
        checked = "（原件已核验）" if m.get("Material.verifiedAt") else ""
        lines.append(f"{name}{'：' + details if details else ''}{checked}")
    return "\n".join(lines)


def _site(grid: Grid, case: PrintedCase, names: Names, title: str) -> None:
    grid.row(label(title, 2), value(case.get("Site.address"), 6), label("行政区域", 1),
             value(names.districts.get(case.get("Site.districtCode"), ""), 3))


def _agent(grid: Grid, case: PrintedCase) -> None:
    g = case.get
    grid.row(label("经办人", 2), label("姓名", 1), value(g("Agent.name"), 2), label("电话", 1), value(g("Agent.phone"), 2),
             label("身份证号", 1), value(g("Agent.idNumber"), 3))


def _requested(grid: Grid, case: PrintedCase) -> None:
    grid.row(label("申请事项", 2), value(choices(t.SERVICES, set(case.sections)), 10))


def _water(grid: Grid, case: PrintedCase, *, enterprise: bool) -> None:
    w = case.section("WATER") or {}
    grid.heading("用水报装登记")
    if enterprise:
        grid.row(label("供水方式", 2), value(choices(t.WATER_SUPPLY, w.get("WaterSection.supplyMode")), 4),
                 label("用水性质", 2), value(choices(t.WATER_NATURE, w.get("WaterSection.nature")), 4))
    else:
        grid.row(label("用水性质", 2), value(choices(t.WATER_NATURE, w.get("WaterSection.nature")), 10))
    grid.row(label("报装分类", 2), value(choices(t.WATER_CATEGORY, w.get("WaterSection.category")), 10))
    if enterprise:
        grid.row(label("用户类别", 2), value(choices(t.WATER_USER, w.get("WaterSection.userCategory")), 10))
    notes = (t.WATER_NOTES_ENTERPRISE if enterprise else t.WATER_NOTES_INDIVIDUAL) + (t.WATER_NOTES_CATEGORY,)
    grid.row(value(text("\n".join(notes), 7, grey=True), 12))


def _electricity(grid: Grid, case: PrintedCase, *, enterprise: bool) -> None:
    e = case.section("ELECTRICITY") or {}
    grid.heading("用电报装登记")
    business = choices(t.BUSINESS_TYPE, e.get("ElectricitySection.businessType"))
    capacity = f"{_number(e.get('ElectricitySection.capacityKw')) or '　　'} 千瓦"
    mode = t.SUPPLY_MODE.get(e.get("ElectricitySection.supplyMode"), "")
    if not enterprise:
        grid.row(label("业务类型", 2), value(business, 10))
        grid.row(label("申请容量", 2), value(capacity, 4), label("供电方式", 2), value(mode, 4))
        grid.row(value(text("\n".join(t.POWER_NOTES), 7, grey=True), 12))
        return
    high = e.get("ElectricitySection.voltage") == "HIGH"  # kVA of the sources, not 申请容量 kW
    grid.row(label("电压类型", 2), value(choices(t.VOLTAGE, e.get("ElectricitySection.voltage")), 4),
             label("业务类型", 2), value(business, 4))
    grid.row(label("低压", 1), label("申请容量", 2), value(capacity if not high else "　　 千瓦", 3),
             label("供电方式", 2), value(mode, 4))
    grid.row(label("高压", 1), label("用电类别", 2),
             value(choices(t.POWER_USER, e.get("ElectricitySection.userCategory")), 9))
    own = e.get("ElectricitySection.ownPowerSource")
    grid.row(label("高压", 1), label("自备电源", 2), value(choices(t.YES_NO, own), 2), label("容量", 1),
             value(f"{_number(e.get('ElectricitySection.ownPowerCapacityKw')) or '　　'} 千瓦", 2),
             label("非线性负荷", 2), value(choices(t.YES_NO, e.get("ElectricitySection.nonLinearLoad")), 2))
    for ordinal, prefix in (("第一路", "first"), ("第二路", "second")):
        existing = _number(e.get(f"ElectricitySection.{prefix}SourceExistingKva")) or "　　"
        requested = _number(e.get(f"ElectricitySection.{prefix}SourceRequestedKva")) or "　　"
        grid.row(label("高压", 1), label(f"{ordinal}电源容量", 2),
                 value(f"原有容量：{existing} 千伏安，申请容量：{requested} 千伏安", 9))
    grid.join_down(0, 4)


def _gas(grid: Grid, case: PrintedCase) -> None:
    gas = case.section("GAS") or {}
    grid.heading("用气报装登记")
    grid.row(value(f"{t.GAS_PROJECT_HINT}\n{gas.get('GasSection.projectDescription') or ''}", 12))
    grid.row(label("用气户数", 2), value(f"{_number(gas.get('GasSection.households')) or '　　'} 户", 4),
             label("小时耗气量", 2), value(f"{_number(gas.get('GasSection.hourlyM3')) or '　　'} m³/h", 4))


def _heating(grid: Grid, case: PrintedCase, rows: tuple) -> None:
    h = case.section("HEATING") or {}
    grid.heading("用暖报装登记")
    start = h.get("HeatingSection.startDate")
    grid.row(label("用热时间", 2), value(_date(start) or "　　年　　月　　日", 3), label("采暖系统类型", 2),
             value(choices(t.HEATING_SYSTEM, h.get("HeatingSection.systemType")), 5))
    grid.row(label("性质", 3), label("建筑面积（m²）", 3), label("热媒参数", 3), label("用热负荷（kW）", 3))
    loads = {load.get("HeatingLoad.use"): load for load in case.loads}
    for use, kind, purpose in rows:
        load = loads.get(use, {})
        grid.row(label(f"{kind}　{purpose}".strip(), 3), value(_number(load.get("HeatingLoad.areaM2")), 3),
                 value(load.get("HeatingLoad.mediumParameters"), 3), value(_number(load.get("HeatingLoad.loadKw")), 3))


def _telecom(grid: Grid, case: PrintedCase) -> None:
    tel = case.section("TELECOM") or {}
    grid.heading("通信报装登记表")
    products = choices(t.TELECOM, tel.get("TelecomSection.productTypes") or ())
    other = tel.get("TelecomSection.otherDescription")
    grid.row(label("报装业务类型", 2), value(products + (f"：{other}" if other else ""), 10))
    grid.row(label("装机地址（宽带、固话）", 3), value(tel.get("TelecomSection.installAddress"), 9))
    grid.row(label("其他要求", 2), value(tel.get("TelecomSection.otherRequirements"), 10))


def _invoice(grid: Grid, case: PrintedCase, *, enterprise: bool) -> None:
    g = case.get
    wanted = g("Case.vatInvoiceWanted")  # True / False where the caller reads it; absent otherwise
    grid.row(label("需要增值税发票", 2), value(choices(((True, "是"), (False, "否")), wanted), 2),
             label("增值税户名", 2), value(g("VatInvoice.name"), 3), label("联系电话", 1), value(g("VatInvoice.phone"), 2))
    if enterprise:
        grid.row(label("纳税证号", 2), value(g("VatInvoice.taxNumber"), 4), label("纳税地址", 2),
                 value(g("VatInvoice.taxAddress"), 4))
        grid.row(label("开户银行", 2), value(g("VatInvoice.bank"), 4), label("银行账号", 2),
                 value(g("VatInvoice.bankAccount"), 4))


def _signature(grid: Grid, form: ApplicationForm, case: PrintedCase, commitment: PublishedText | None) -> None:
    signature = commitment.signature_label if commitment else "签字"
    lines = [commitment.text if commitment else "", "",
             f"{signature}：＿＿＿＿＿＿＿＿＿＿＿＿{GAP * 3}年{GAP}月{GAP}日"]
    block = [text("\n".join(lines), 9)]
    recorded = _recorded(case)
    if recorded:
        block.append(text(recorded, 7, grey=True))
    if form == ApplicationForm.TRANSFER:
        opinion = case.get("Intake.opinion")
        grid.row(value(block, 7), value(text(f"受理单位意见：\n{opinion}" if opinion else "受理单位意见：\n\n\n"), 5))
    else:
        grid.row(label("申请人签章", 2), value(block, 10))
        grid.row(label("受理单位", 2), value(case.get("Intake.acceptingUnit"), 4), label("接件人", 1),
                 value(case.get("Intake.receivedBy"), 2), label("接件时间", 1), value(when(case.get("Case.submittedAt")), 2))


def _recorded(case: PrintedCase) -> str | None:
    g = case.get
    if not g("Commitment.version"):
        return None
    return (f"已记录：{t.SIGNATORIES.get(g('Commitment.agreedBy'), '')}于 {when(g('Commitment.agreedAt')) or ''} 以"
            f"{t.COMMITMENT_CHANNELS.get(g('Commitment.channel'), '')}"
            f"（{t.IDENTITY_CHECKS.get(g('Commitment.identityVerification'), '')}），承诺文字版本 {g('Commitment.version')}")


def _number(number: object) -> str | None:
    if number is None or isinstance(number, bool):
        return None
    return f"{number:g}" if isinstance(number, float) else str(number)


def _date(day: object) -> str | None:
    if not day:
        return None
    year, month, date = str(day).split("-")
    return f"{year}年{int(month)}月{int(date)}日"


GAP = "\xa0" * 6  # room to write the date by hand (no-break spaces: a paragraph keeps them)
FORM_TITLES = {ApplicationForm.CONNECTION_INDIVIDUAL: "水电气暖信报装申请表（个人报装）",
               ApplicationForm.CONNECTION_ENTERPRISE: "水电气暖信报装申请表（企业报装）",
               ApplicationForm.TRANSFER: "开封市供水、供电、供气、供热一次过户申请表"}
LAYOUTS = {ApplicationForm.CONNECTION_INDIVIDUAL: _individual, ApplicationForm.CONNECTION_ENTERPRISE: _enterprise,
           ApplicationForm.TRANSFER: _transfer}
