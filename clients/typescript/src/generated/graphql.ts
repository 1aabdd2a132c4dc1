/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** 补正: materials added to an existing case. */
export type AddMaterialsInput = {
  caseId: string | number;
  expectedVersion: number;
  materials: Array<MaterialInput>;
};

/** 申请人. */
export type ApplicantInput = {
  /** 单位地址 (enterprises). */
  address?: string | null | undefined;
  /** 统一社会信用代码; enterprises only. */
  creditCode?: string | null | undefined;
  enterpriseType?: EnterpriseType | null | undefined;
  /** 身份证号; individuals only. */
  idNumber?: string | null | undefined;
  kind: ApplicantKind;
  /** 法人代表; enterprises only. */
  legalRepresentative?: PersonInput | null | undefined;
  /** 用户名称: the person's or the enterprise's name. */
  name: string;
  /** Mobile number; required for individuals (SMS). */
  phone?: string | null | undefined;
  /** The applicant's app account when a clerk files for them; ignored for APPLICANT callers (it is the caller). */
  subject?: string | null | undefined;
};

export type ApplicantKind =
  | 'ENTERPRISE'
  | 'INDIVIDUAL';

/** The printed form (申请表) a case is filed on. */
export type ApplicationForm =
  | 'CONNECTION_ENTERPRISE'
  | 'CONNECTION_INDIVIDUAL'
  | 'TRANSFER';

export type AssignmentStatus =
  | 'ACCEPTED'
  | 'COMPLETED'
  | 'NEEDS_MATERIALS'
  | 'PENDING'
  | 'RECEIVED'
  | 'REJECTED';

/** All given conditions must hold. */
export type CaseFilterInput = {
  caseType?: CaseType | null | undefined;
  districtCode?: string | null | undefined;
  service?: Service | null | undefined;
  statuses?: Array<CaseStatus> | null | undefined;
  /** Exclusive. */
  submittedBefore?: string | null | undefined;
  /** Inclusive. */
  submittedFrom?: string | null | undefined;
};

/** Derived from the case's assignments, never set directly. */
export type CaseStatus =
  | 'COMPLETED'
  | 'IN_PROGRESS'
  | 'NEEDS_MATERIALS'
  | 'PARTIALLY_COMPLETED'
  | 'REJECTED'
  | 'SUBMITTED';

/** 过户 moves existing accounts; 报装 asks for new service. */
export type CaseType =
  | 'CONNECTION'
  | 'TRANSFER';

/** Where the application was taken (一窗受理 at any of them). */
export type Channel =
  | 'CITIZEN_CENTRE_WINDOW'
  | 'GOVERNMENT_PLATFORM'
  | 'GOVERNMENT_PORTAL'
  | 'MOBILE_APP'
  | 'UTILITY_HALL';

/** How the agreement was given. */
export type CommitmentChannel =
  | 'ONLINE_CONSENT'
  | 'SIGNATURE_PAD'
  | 'WINDOW_SIGNATURE';

/** 申请人签章/承诺: the applicant (or agent) agreed to the form's commitment text, having been shown the personal-information notice. */
export type CommitmentInput = {
  /** When (within the last 7 days); defaults to now. */
  agreedAt?: string | null | undefined;
  /** Who agreed; defaults to APPLICANT. */
  agreedBy?: Signatory | null | undefined;
  /** How it was agreed: signed at the window, on a signature pad, or online. */
  channel: CommitmentChannel;
  /** How the signer's identity was established. */
  identityVerification: IdentityVerification;
  /** `privacyNotice.sha256` of the notice shown, which must be the one in force. */
  noticeSha256: string;
  /** The version of the text shown (`commitmentTexts`), the one in force for the application's form. */
  version: string;
};

/** 联系人 and 联系电话 of the 过户 form (whom to call; need not be the agent). */
export type ContactInput = {
  name: string;
  /** Mainland mobile or fixed-line number. */
  phone: string;
};

/** 业务类型. */
export type ElectricityBusinessType =
  | 'CAPACITY_INCREASE'
  | 'NEW'
  | 'TEMPORARY';

export type ElectricitySectionInput = {
  accountNumber?: string | null | undefined;
  businessType?: ElectricityBusinessType | null | undefined;
  /** 申请容量 in kW: low voltage only (high voltage gives kVA per source). */
  capacityKw?: number | null | undefined;
  /** Low voltage with external line works (外线工程): a longer time limit. */
  externalLineWorks?: boolean | null | undefined;
  firstSourceExistingKva?: number | null | undefined;
  firstSourceRequestedKva?: number | null | undefined;
  /** 非线性负荷 (high voltage). */
  nonLinearLoad?: boolean | null | undefined;
  ownPowerCapacityKw?: number | null | undefined;
  /** 自备电源 (high voltage). */
  ownPowerSource?: boolean | null | undefined;
  secondSourceExistingKva?: number | null | undefined;
  secondSourceRequestedKva?: number | null | undefined;
  supplyMode?: ElectricitySupplyMode | null | undefined;
  /** High voltage. */
  userCategory?: ElectricityUserCategory | null | undefined;
  /** Defaults to LOW. */
  voltage?: Voltage | null | undefined;
};

/** 供电方式 for low voltage. */
export type ElectricitySupplyMode =
  | 'AC_220V'
  | 'AC_380V';

/** 用电类别 for high voltage. */
export type ElectricityUserCategory =
  | 'AGRICULTURAL'
  | 'COMMERCIAL'
  | 'INDUSTRIAL'
  | 'NON_INDUSTRIAL'
  | 'OTHER';

/** 企业类型 on the enterprise form: 民营 / 国企 / 事业单位. */
export type EnterpriseType =
  | 'PRIVATE'
  | 'PUBLIC_INSTITUTION'
  | 'STATE_OWNED';

/** Why a request was refused. */
export type ErrorCode =
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'ILLEGAL_TRANSITION'
  | 'INVALID'
  | 'NOT_FOUND'
  | 'OUT_OF_RANGE'
  | 'PRECONDITION_NOT_MET'
  | 'REQUIRED'
  | 'UNAUTHENTICATED';

export type GasSectionInput = {
  accountNumber?: string | null | undefined;
  /** 小时耗气量 m³/h. */
  hourlyM3?: number | null | undefined;
  households?: number | null | undefined;
  projectDescription?: string | null | undefined;
};

export type GroupRule =
  | 'ALL_OF'
  | 'ANY_ONE_OF';

export type HeatingLoadInput = {
  areaM2: number;
  loadKw?: number | null | undefined;
  mediumParameters?: string | null | undefined;
  use: HeatingUse;
};

export type HeatingSectionInput = {
  accountNumber?: string | null | undefined;
  loads?: Array<HeatingLoadInput> | null | undefined;
  /** 用热时间. */
  startDate?: string | null | undefined;
  systemType?: HeatingSystemType | null | undefined;
};

/** 采暖系统类型. */
export type HeatingSystemType =
  | 'FLOOR_RADIANT'
  | 'OTHER'
  | 'RADIATOR';

/** 性质 rows of the heat-load table. */
export type HeatingUse =
  | 'INDUSTRIAL'
  | 'NON_RESIDENTIAL_HEATING'
  | 'NON_RESIDENTIAL_HOT_WATER'
  | 'RESIDENTIAL_HEATING'
  | 'RESIDENTIAL_HOT_WATER';

/** How the signer's identity was established. */
export type IdentityVerification =
  | 'ID_CARD_CHECKED'
  | 'ID_CARD_READER'
  | 'REAL_NAME_LOGIN';

/** The accepting unit's boxes (受理单位填写); WRITE for clerks and the platform only. */
export type IntakeInput = {
  /** 受理单位: the window or hall; a clerk's defaults to its organisation. */
  acceptingUnit?: string | null | undefined;
  /** 受理说明. */
  notes?: string | null | undefined;
  /** 受理单位意见. */
  opinion?: string | null | undefined;
  /** 接件人; a clerk's defaults to the clerk's account. */
  receivedBy?: string | null | undefined;
};

/** A file you uploaded with `POST /files`, named by the SHA-256 it answered. */
export type MaterialFileInput = {
  sha256: string;
};

/** A proof presented with the application. */
export type MaterialInput = {
  /** The scanned file, uploaded to the hub by you within the grace period. */
  file?: MaterialFileInput | null | undefined;
  /** Reference to the scanned file in another system's document store. */
  fileRef?: string | null | undefined;
  holder?: string | null | undefined;
  number?: string | null | undefined;
  /** A code from `materialTypes`. */
  typeCode: string;
  /** The caller checked the original (recorded with who and when). */
  verified?: boolean;
};

/** 法人代表 or 经办人. */
export type PersonInput = {
  /** 身份证号 (GB 11643). */
  idNumber: string;
  name: string;
  /** Mainland mobile number. */
  phone?: string | null | undefined;
  /** The person's app account, if any (agents may follow the case). */
  subject?: string | null | undefined;
};

/** 原户主 of a transfer: who holds the accounts now (the applicant is the new holder, 新户主). */
export type PreviousHolderInput = {
  /** 统一社会信用代码; required for an enterprise. */
  creditCode?: string | null | undefined;
  /** 身份证号; required for an individual. */
  idNumber?: string | null | undefined;
  kind: ApplicantKind;
  /** 法人代表; required for an enterprise. */
  legalRepresentative?: PersonInput | null | undefined;
  /** The person's or the enterprise's name. */
  name: string;
  /** Mobile number, if known. */
  phone?: string | null | undefined;
};

export type Service =
  | 'ELECTRICITY'
  | 'GAS'
  | 'HEATING'
  | 'TELECOM'
  | 'WATER';

/** Who agreed: the applicant (an enterprise by its seal), its legal representative, or the agent (经办人). */
export type Signatory =
  | 'AGENT'
  | 'APPLICANT'
  | 'LEGAL_REPRESENTATIVE';

/** 用户地址 / 报装地址 / 项目地址. */
export type SiteInput = {
  address: string;
  /** GB/T 2260 code of a Kaifeng district or county (see `districts`). */
  districtCode: string;
  projectName?: string | null | undefined;
};

/** One application. Each section present asks for that service. */
export type SubmitCaseInput = {
  agent?: PersonInput | null | undefined;
  applicant: ApplicantInput;
  caseType: CaseType;
  channel: Channel;
  /** 申请人签章/承诺, required. */
  commitment: CommitmentInput;
  contact?: ContactInput | null | undefined;
  electricity?: ElectricitySectionInput | null | undefined;
  gas?: GasSectionInput | null | undefined;
  heating?: HeatingSectionInput | null | undefined;
  intake?: IntakeInput | null | undefined;
  materials?: Array<MaterialInput> | null | undefined;
  /** 过户说明: the applicant's own explanation (申请用户填写). */
  note?: string | null | undefined;
  /** 原户主: required for a transfer. */
  previousHolder?: PreviousHolderInput | null | undefined;
  site: SiteInput;
  telecom?: TelecomSectionInput | null | undefined;
  /** Only if a VAT invoice is wanted. */
  vatInvoice?: VatInvoiceInput | null | undefined;
  /** 需要增值税发票 是/否: required for a connection. */
  vatInvoiceWanted?: boolean | null | undefined;
  water?: WaterSectionInput | null | undefined;
};

export type TelecomProduct =
  | 'BROADBAND'
  | 'FIXED_LINE'
  | 'MOBILE'
  | 'OTHER';

export type TelecomSectionInput = {
  /** Not used: telecom has no transfer. */
  accountNumber?: string | null | undefined;
  /** 装机地址 (broadband, fixed line). */
  installAddress?: string | null | undefined;
  otherDescription?: string | null | undefined;
  /** 其他要求. */
  otherRequirements?: string | null | undefined;
  productTypes?: Array<TelecomProduct> | null | undefined;
};

export type VatInvoiceInput = {
  bank?: string | null | undefined;
  bankAccount?: string | null | undefined;
  name?: string | null | undefined;
  phone?: string | null | undefined;
  taxAddress?: string | null | undefined;
  taxNumber?: string | null | undefined;
};

export type Voltage =
  | 'HIGH'
  | 'LOW';

/** 报装分类. */
export type WaterCategory =
  | 'CALIBRE_CHANGE'
  | 'CONSTRUCTION'
  | 'METER_RELOCATION'
  | 'NEW'
  | 'ONE_METER_PER_HOUSEHOLD';

/** 用水性质. */
export type WaterNature =
  | 'NON_RESIDENTIAL'
  | 'RESIDENTIAL'
  | 'SPECIAL_INDUSTRY';

export type WaterSectionInput = {
  /** 户号: required for a transfer, absent for a connection. */
  accountNumber?: string | null | undefined;
  category?: WaterCategory | null | undefined;
  nature?: WaterNature | null | undefined;
  /** Enterprise connections. */
  supplyMode?: WaterSupplyMode | null | undefined;
  /** Enterprise connections. */
  userCategory?: WaterUserCategory | null | undefined;
};

/** 供水方式 (enterprise form). */
export type WaterSupplyMode =
  | 'MUNICIPAL_DIRECT'
  | 'SECONDARY';

/** 用户类别 (enterprise form). */
export type WaterUserCategory =
  | 'GREENING'
  | 'HOSPITAL'
  | 'INDUSTRY_COMMERCE'
  | 'OTHER'
  | 'PUBLIC_TOILET'
  | 'REAL_ESTATE'
  | 'SCHOOL';

export type MyCasesQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  filter?: CaseFilterInput | null | undefined;
}>;


export type MyCasesQuery = { cases: { edges: Array<{ node: { id: string, number: string | null, caseType: CaseType | null, channel: Channel | null, status: CaseStatus | null, version: number | null, submittedAt: string | null, updatedAt: string | null, completedAt: string | null, site: { address: string | null } | null, assignments: Array<{ id: string, service: Service | null, status: AssignmentStatus | null }> | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type CaseByIdQueryVariables = Exact<{
  id: string | number;
}>;


export type CaseByIdQuery = { case: { id: string, number: string | null, caseType: CaseType | null, channel: Channel | null, status: CaseStatus | null, version: number | null, submittedAt: string | null, updatedAt: string | null, completedAt: string | null, note: string | null, vatInvoiceWanted: boolean | null, applicationFormUrl: string | null, applicant: { kind: ApplicantKind | null, name: string | null, phone: string | null, idNumber: string | null, creditCode: string | null } | null, previousHolder: { kind: ApplicantKind | null, name: string | null, phone: string | null, idNumber: string | null, creditCode: string | null, legalRepresentative: { name: string | null, phone: string | null } | null } | null, agent: { name: string | null, phone: string | null } | null, contact: { name: string | null, phone: string | null } | null, intake: { acceptingUnit: string | null, receivedBy: string | null, notes: string | null, opinion: string | null } | null, vatInvoice: { name: string | null, phone: string | null, taxNumber: string | null, taxAddress: string | null, bank: string | null, bankAccount: string | null } | null, commitment: { version: string | null, agreedBy: Signatory | null, agreedAt: string | null, channel: CommitmentChannel | null, identityVerification: IdentityVerification | null, textSha256: string | null, noticeSha256: string | null, text: { title: string | null, signatureLabel: string | null } | null } | null, site: { address: string | null, districtCode: string | null, projectName: string | null, district: { name: string | null } | null } | null, materials: Array<{ typeCode: string | null, number: string | null, holder: string | null, fileRef: string | null, addedAt: string | null, verifiedAt: string | null, file: { sha256: string | null, size: number | null, contentType: string | null, uploadedAt: string | null, downloadUrl: string | null } | null, type: { name: string | null } | null }> | null, assignments: Array<{ id: string, service: Service | null, status: AssignmentStatus | null, version: number | null, organisationCode: string | null, accountNumber: string | null, reason: string | null, createdAt: string | null, receivedAt: string | null, acceptedAt: string | null, finishedAt: string | null, organisation: { name: string | null, shortName: string | null } | null, result: { accountNumber: string | null, remarks: string | null } | null, materials: { complete: boolean | null, notes: Array<string> | null, missingGroups: Array<{ code: string | null, name: string | null, rule: GroupRule | null, types: Array<{ code: string | null, name: string | null }> | null }> | null } | null, timeLimit: { deadline: string | null, paused: boolean | null, onTime: boolean | null, workingDaysUsed: number | null, correctionRounds: number | null } | null, preconditions: Array<{ code: string | null, met: boolean | null, on: string | null, confirmedAt: string | null }> | null }> | null, water: { accountNumber: string | null, nature: WaterNature | null, category: WaterCategory | null } | null, electricity: { accountNumber: string | null, voltage: Voltage | null, businessType: ElectricityBusinessType | null, capacityKw: number | null } | null, gas: { accountNumber: string | null, households: number | null, hourlyM3: number | null } | null, heating: { accountNumber: string | null, startDate: string | null, systemType: HeatingSystemType | null } | null, telecom: { productTypes: Array<TelecomProduct> | null, otherDescription: string | null, installAddress: string | null, otherRequirements: string | null } | null } | null };

export type CaseByNumberQueryVariables = Exact<{
  number: string;
}>;


export type CaseByNumberQuery = { caseByNumber: { id: string, number: string | null, caseType: CaseType | null, channel: Channel | null, status: CaseStatus | null, version: number | null, submittedAt: string | null, updatedAt: string | null, completedAt: string | null, note: string | null, vatInvoiceWanted: boolean | null, applicationFormUrl: string | null, applicant: { kind: ApplicantKind | null, name: string | null, phone: string | null, idNumber: string | null, creditCode: string | null } | null, previousHolder: { kind: ApplicantKind | null, name: string | null, phone: string | null, idNumber: string | null, creditCode: string | null, legalRepresentative: { name: string | null, phone: string | null } | null } | null, agent: { name: string | null, phone: string | null } | null, contact: { name: string | null, phone: string | null } | null, intake: { acceptingUnit: string | null, receivedBy: string | null, notes: string | null, opinion: string | null } | null, vatInvoice: { name: string | null, phone: string | null, taxNumber: string | null, taxAddress: string | null, bank: string | null, bankAccount: string | null } | null, commitment: { version: string | null, agreedBy: Signatory | null, agreedAt: string | null, channel: CommitmentChannel | null, identityVerification: IdentityVerification | null, textSha256: string | null, noticeSha256: string | null, text: { title: string | null, signatureLabel: string | null } | null } | null, site: { address: string | null, districtCode: string | null, projectName: string | null, district: { name: string | null } | null } | null, materials: Array<{ typeCode: string | null, number: string | null, holder: string | null, fileRef: string | null, addedAt: string | null, verifiedAt: string | null, file: { sha256: string | null, size: number | null, contentType: string | null, uploadedAt: string | null, downloadUrl: string | null } | null, type: { name: string | null } | null }> | null, assignments: Array<{ id: string, service: Service | null, status: AssignmentStatus | null, version: number | null, organisationCode: string | null, accountNumber: string | null, reason: string | null, createdAt: string | null, receivedAt: string | null, acceptedAt: string | null, finishedAt: string | null, organisation: { name: string | null, shortName: string | null } | null, result: { accountNumber: string | null, remarks: string | null } | null, materials: { complete: boolean | null, notes: Array<string> | null, missingGroups: Array<{ code: string | null, name: string | null, rule: GroupRule | null, types: Array<{ code: string | null, name: string | null }> | null }> | null } | null, timeLimit: { deadline: string | null, paused: boolean | null, onTime: boolean | null, workingDaysUsed: number | null, correctionRounds: number | null } | null, preconditions: Array<{ code: string | null, met: boolean | null, on: string | null, confirmedAt: string | null }> | null }> | null, water: { accountNumber: string | null, nature: WaterNature | null, category: WaterCategory | null } | null, electricity: { accountNumber: string | null, voltage: Voltage | null, businessType: ElectricityBusinessType | null, capacityKw: number | null } | null, gas: { accountNumber: string | null, households: number | null, hourlyM3: number | null } | null, heating: { accountNumber: string | null, startDate: string | null, systemType: HeatingSystemType | null } | null, telecom: { productTypes: Array<TelecomProduct> | null, otherDescription: string | null, installAddress: string | null, otherRequirements: string | null } | null } | null };

export type SubmitCaseMutationVariables = Exact<{
  input: SubmitCaseInput;
}>;


export type SubmitCaseMutation = { submitCase: { case: { id: string, number: string | null, caseType: CaseType | null, channel: Channel | null, status: CaseStatus | null, version: number | null, submittedAt: string | null, updatedAt: string | null, completedAt: string | null, note: string | null, vatInvoiceWanted: boolean | null, applicationFormUrl: string | null, applicant: { kind: ApplicantKind | null, name: string | null, phone: string | null, idNumber: string | null, creditCode: string | null } | null, previousHolder: { kind: ApplicantKind | null, name: string | null, phone: string | null, idNumber: string | null, creditCode: string | null, legalRepresentative: { name: string | null, phone: string | null } | null } | null, agent: { name: string | null, phone: string | null } | null, contact: { name: string | null, phone: string | null } | null, intake: { acceptingUnit: string | null, receivedBy: string | null, notes: string | null, opinion: string | null } | null, vatInvoice: { name: string | null, phone: string | null, taxNumber: string | null, taxAddress: string | null, bank: string | null, bankAccount: string | null } | null, commitment: { version: string | null, agreedBy: Signatory | null, agreedAt: string | null, channel: CommitmentChannel | null, identityVerification: IdentityVerification | null, textSha256: string | null, noticeSha256: string | null, text: { title: string | null, signatureLabel: string | null } | null } | null, site: { address: string | null, districtCode: string | null, projectName: string | null, district: { name: string | null } | null } | null, materials: Array<{ typeCode: string | null, number: string | null, holder: string | null, fileRef: string | null, addedAt: string | null, verifiedAt: string | null, file: { sha256: string | null, size: number | null, contentType: string | null, uploadedAt: string | null, downloadUrl: string | null } | null, type: { name: string | null } | null }> | null, assignments: Array<{ id: string, service: Service | null, status: AssignmentStatus | null, version: number | null, organisationCode: string | null, accountNumber: string | null, reason: string | null, createdAt: string | null, receivedAt: string | null, acceptedAt: string | null, finishedAt: string | null, organisation: { name: string | null, shortName: string | null } | null, result: { accountNumber: string | null, remarks: string | null } | null, materials: { complete: boolean | null, notes: Array<string> | null, missingGroups: Array<{ code: string | null, name: string | null, rule: GroupRule | null, types: Array<{ code: string | null, name: string | null }> | null }> | null } | null, timeLimit: { deadline: string | null, paused: boolean | null, onTime: boolean | null, workingDaysUsed: number | null, correctionRounds: number | null } | null, preconditions: Array<{ code: string | null, met: boolean | null, on: string | null, confirmedAt: string | null }> | null }> | null, water: { accountNumber: string | null, nature: WaterNature | null, category: WaterCategory | null } | null, electricity: { accountNumber: string | null, voltage: Voltage | null, businessType: ElectricityBusinessType | null, capacityKw: number | null } | null, gas: { accountNumber: string | null, households: number | null, hourlyM3: number | null } | null, heating: { accountNumber: string | null, startDate: string | null, systemType: HeatingSystemType | null } | null, telecom: { productTypes: Array<TelecomProduct> | null, otherDescription: string | null, installAddress: string | null, otherRequirements: string | null } | null } | null, errors: Array<{ field: string | null, code: ErrorCode, message: string }> } | null };

export type AddMaterialsMutationVariables = Exact<{
  input: AddMaterialsInput;
}>;


export type AddMaterialsMutation = { addMaterials: { case: { id: string, number: string | null, caseType: CaseType | null, channel: Channel | null, status: CaseStatus | null, version: number | null, submittedAt: string | null, updatedAt: string | null, completedAt: string | null, note: string | null, vatInvoiceWanted: boolean | null, applicationFormUrl: string | null, applicant: { kind: ApplicantKind | null, name: string | null, phone: string | null, idNumber: string | null, creditCode: string | null } | null, previousHolder: { kind: ApplicantKind | null, name: string | null, phone: string | null, idNumber: string | null, creditCode: string | null, legalRepresentative: { name: string | null, phone: string | null } | null } | null, agent: { name: string | null, phone: string | null } | null, contact: { name: string | null, phone: string | null } | null, intake: { acceptingUnit: string | null, receivedBy: string | null, notes: string | null, opinion: string | null } | null, vatInvoice: { name: string | null, phone: string | null, taxNumber: string | null, taxAddress: string | null, bank: string | null, bankAccount: string | null } | null, commitment: { version: string | null, agreedBy: Signatory | null, agreedAt: string | null, channel: CommitmentChannel | null, identityVerification: IdentityVerification | null, textSha256: string | null, noticeSha256: string | null, text: { title: string | null, signatureLabel: string | null } | null } | null, site: { address: string | null, districtCode: string | null, projectName: string | null, district: { name: string | null } | null } | null, materials: Array<{ typeCode: string | null, number: string | null, holder: string | null, fileRef: string | null, addedAt: string | null, verifiedAt: string | null, file: { sha256: string | null, size: number | null, contentType: string | null, uploadedAt: string | null, downloadUrl: string | null } | null, type: { name: string | null } | null }> | null, assignments: Array<{ id: string, service: Service | null, status: AssignmentStatus | null, version: number | null, organisationCode: string | null, accountNumber: string | null, reason: string | null, createdAt: string | null, receivedAt: string | null, acceptedAt: string | null, finishedAt: string | null, organisation: { name: string | null, shortName: string | null } | null, result: { accountNumber: string | null, remarks: string | null } | null, materials: { complete: boolean | null, notes: Array<string> | null, missingGroups: Array<{ code: string | null, name: string | null, rule: GroupRule | null, types: Array<{ code: string | null, name: string | null }> | null }> | null } | null, timeLimit: { deadline: string | null, paused: boolean | null, onTime: boolean | null, workingDaysUsed: number | null, correctionRounds: number | null } | null, preconditions: Array<{ code: string | null, met: boolean | null, on: string | null, confirmedAt: string | null }> | null }> | null, water: { accountNumber: string | null, nature: WaterNature | null, category: WaterCategory | null } | null, electricity: { accountNumber: string | null, voltage: Voltage | null, businessType: ElectricityBusinessType | null, capacityKw: number | null } | null, gas: { accountNumber: string | null, households: number | null, hourlyM3: number | null } | null, heating: { accountNumber: string | null, startDate: string | null, systemType: HeatingSystemType | null } | null, telecom: { productTypes: Array<TelecomProduct> | null, otherDescription: string | null, installAddress: string | null, otherRequirements: string | null } | null } | null, errors: Array<{ field: string | null, code: ErrorCode, message: string }> } | null };

export type CaseEventsSubscriptionVariables = Exact<{
  caseId: string | number;
  after?: string | null | undefined;
}>;


export type CaseEventsSubscription = { caseEvents: { cursor: string, kind: string, occurredAt: string, case: { id: string, status: CaseStatus | null, version: number | null, completedAt: string | null, assignments: Array<{ id: string, service: Service | null, status: AssignmentStatus | null, version: number | null, reason: string | null, result: { accountNumber: string | null, remarks: string | null } | null }> | null } | null } };

export type UserErrorFieldsFragment = { field: string | null, code: ErrorCode, message: string };

export type CaseSummaryFragment = { id: string, number: string | null, caseType: CaseType | null, channel: Channel | null, status: CaseStatus | null, version: number | null, submittedAt: string | null, updatedAt: string | null, completedAt: string | null, site: { address: string | null } | null, assignments: Array<{ id: string, service: Service | null, status: AssignmentStatus | null }> | null };

export type AssignmentDetailFragment = { id: string, service: Service | null, status: AssignmentStatus | null, version: number | null, organisationCode: string | null, accountNumber: string | null, reason: string | null, createdAt: string | null, receivedAt: string | null, acceptedAt: string | null, finishedAt: string | null, organisation: { name: string | null, shortName: string | null } | null, result: { accountNumber: string | null, remarks: string | null } | null, materials: { complete: boolean | null, notes: Array<string> | null, missingGroups: Array<{ code: string | null, name: string | null, rule: GroupRule | null, types: Array<{ code: string | null, name: string | null }> | null }> | null } | null, timeLimit: { deadline: string | null, paused: boolean | null, onTime: boolean | null, workingDaysUsed: number | null, correctionRounds: number | null } | null, preconditions: Array<{ code: string | null, met: boolean | null, on: string | null, confirmedAt: string | null }> | null };

export type CaseDetailFragment = { id: string, number: string | null, caseType: CaseType | null, channel: Channel | null, status: CaseStatus | null, version: number | null, submittedAt: string | null, updatedAt: string | null, completedAt: string | null, note: string | null, vatInvoiceWanted: boolean | null, applicationFormUrl: string | null, applicant: { kind: ApplicantKind | null, name: string | null, phone: string | null, idNumber: string | null, creditCode: string | null } | null, previousHolder: { kind: ApplicantKind | null, name: string | null, phone: string | null, idNumber: string | null, creditCode: string | null, legalRepresentative: { name: string | null, phone: string | null } | null } | null, agent: { name: string | null, phone: string | null } | null, contact: { name: string | null, phone: string | null } | null, intake: { acceptingUnit: string | null, receivedBy: string | null, notes: string | null, opinion: string | null } | null, vatInvoice: { name: string | null, phone: string | null, taxNumber: string | null, taxAddress: string | null, bank: string | null, bankAccount: string | null } | null, commitment: { version: string | null, agreedBy: Signatory | null, agreedAt: string | null, channel: CommitmentChannel | null, identityVerification: IdentityVerification | null, textSha256: string | null, noticeSha256: string | null, text: { title: string | null, signatureLabel: string | null } | null } | null, site: { address: string | null, districtCode: string | null, projectName: string | null, district: { name: string | null } | null } | null, materials: Array<{ typeCode: string | null, number: string | null, holder: string | null, fileRef: string | null, addedAt: string | null, verifiedAt: string | null, file: { sha256: string | null, size: number | null, contentType: string | null, uploadedAt: string | null, downloadUrl: string | null } | null, type: { name: string | null } | null }> | null, assignments: Array<{ id: string, service: Service | null, status: AssignmentStatus | null, version: number | null, organisationCode: string | null, accountNumber: string | null, reason: string | null, createdAt: string | null, receivedAt: string | null, acceptedAt: string | null, finishedAt: string | null, organisation: { name: string | null, shortName: string | null } | null, result: { accountNumber: string | null, remarks: string | null } | null, materials: { complete: boolean | null, notes: Array<string> | null, missingGroups: Array<{ code: string | null, name: string | null, rule: GroupRule | null, types: Array<{ code: string | null, name: string | null }> | null }> | null } | null, timeLimit: { deadline: string | null, paused: boolean | null, onTime: boolean | null, workingDaysUsed: number | null, correctionRounds: number | null } | null, preconditions: Array<{ code: string | null, met: boolean | null, on: string | null, confirmedAt: string | null }> | null }> | null, water: { accountNumber: string | null, nature: WaterNature | null, category: WaterCategory | null } | null, electricity: { accountNumber: string | null, voltage: Voltage | null, businessType: ElectricityBusinessType | null, capacityKw: number | null } | null, gas: { accountNumber: string | null, households: number | null, hourlyM3: number | null } | null, heating: { accountNumber: string | null, startDate: string | null, systemType: HeatingSystemType | null } | null, telecom: { productTypes: Array<TelecomProduct> | null, otherDescription: string | null, installAddress: string | null, otherRequirements: string | null } | null };

export type ApplicationFormQueryVariables = Exact<{
  caseType: CaseType;
  applicantKind: ApplicantKind;
}>;


export type ApplicationFormQuery = { commitmentTexts: Array<{ form: ApplicationForm | null, version: string | null, title: string | null, signatureLabel: string | null, text: string | null }>, privacyNotice: { sha256: string | null, preamble: string | null, recipients: Array<{ name: string | null, services: Array<Service> | null, purposes: Array<string> | null, items: Array<{ name: string | null, masked: boolean | null }> | null }> | null } | null, districts: Array<{ code: string | null, name: string | null, active: boolean | null }>, materialsCatalogue: Array<{ service: Service | null, requiredAtApplication: boolean | null, notes: Array<string> | null, conditions: Array<string> | null, groups: Array<{ code: string | null, name: string | null, rule: GroupRule | null, types: Array<{ code: string | null, name: string | null }> | null }> | null }> };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const UserErrorFieldsFragmentDoc = new TypedDocumentString(`
    fragment UserErrorFields on UserError {
  field
  code
  message
}
    `, {"fragmentName":"UserErrorFields"}) as unknown as TypedDocumentString<UserErrorFieldsFragment, unknown>;
export const CaseSummaryFragmentDoc = new TypedDocumentString(`
    fragment CaseSummary on Case {
  id
  number
  caseType
  channel
  status
  version
  submittedAt
  updatedAt
  completedAt
  site {
    address
  }
  assignments {
    id
    service
    status
  }
}
    `, {"fragmentName":"CaseSummary"}) as unknown as TypedDocumentString<CaseSummaryFragment, unknown>;
export const AssignmentDetailFragmentDoc = new TypedDocumentString(`
    fragment AssignmentDetail on Assignment {
  id
  service
  status
  version
  organisationCode
  organisation {
    name
    shortName
  }
  accountNumber
  reason
  result {
    accountNumber
    remarks
  }
  createdAt
  receivedAt
  acceptedAt
  finishedAt
  materials {
    complete
    notes
    missingGroups {
      code
      name
      rule
      types {
        code
        name
      }
    }
  }
  timeLimit {
    deadline
    paused
    onTime
    workingDaysUsed
    correctionRounds
  }
  preconditions {
    code
    met
    on
    confirmedAt
  }
}
    `, {"fragmentName":"AssignmentDetail"}) as unknown as TypedDocumentString<AssignmentDetailFragment, unknown>;
export const CaseDetailFragmentDoc = new TypedDocumentString(`
    fragment CaseDetail on Case {
  id
  number
  caseType
  channel
  status
  version
  submittedAt
  updatedAt
  completedAt
  note
  applicant {
    kind
    name
    phone
    idNumber
    creditCode
  }
  previousHolder {
    kind
    name
    phone
    idNumber
    creditCode
    legalRepresentative {
      name
      phone
    }
  }
  agent {
    name
    phone
  }
  contact {
    name
    phone
  }
  intake {
    acceptingUnit
    receivedBy
    notes
    opinion
  }
  vatInvoiceWanted
  vatInvoice {
    name
    phone
    taxNumber
    taxAddress
    bank
    bankAccount
  }
  commitment {
    version
    agreedBy
    agreedAt
    channel
    identityVerification
    textSha256
    noticeSha256
    text {
      title
      signatureLabel
    }
  }
  applicationFormUrl
  site {
    address
    districtCode
    projectName
    district {
      name
    }
  }
  materials {
    typeCode
    number
    holder
    fileRef
    file {
      sha256
      size
      contentType
      uploadedAt
      downloadUrl
    }
    addedAt
    verifiedAt
    type {
      name
    }
  }
  assignments {
    ...AssignmentDetail
  }
  water {
    accountNumber
    nature
    category
  }
  electricity {
    accountNumber
    voltage
    businessType
    capacityKw
  }
  gas {
    accountNumber
    households
    hourlyM3
  }
  heating {
    accountNumber
    startDate
    systemType
  }
  telecom {
    productTypes
    otherDescription
    installAddress
    otherRequirements
  }
}
    fragment AssignmentDetail on Assignment {
  id
  service
  status
  version
  organisationCode
  organisation {
    name
    shortName
  }
  accountNumber
  reason
  result {
    accountNumber
    remarks
  }
  createdAt
  receivedAt
  acceptedAt
  finishedAt
  materials {
    complete
    notes
    missingGroups {
      code
      name
      rule
      types {
        code
        name
      }
    }
  }
  timeLimit {
    deadline
    paused
    onTime
    workingDaysUsed
    correctionRounds
  }
  preconditions {
    code
    met
    on
    confirmedAt
  }
}`, {"fragmentName":"CaseDetail"}) as unknown as TypedDocumentString<CaseDetailFragment, unknown>;
export const MyCasesDocument = {"__meta__":{"operationName":"MyCases","text":"fragment CaseSummary on Case { assignments { id service status } caseType channel completedAt id number site { address } status submittedAt updatedAt version } query MyCases($after: String, $filter: CaseFilterInput, $first: Int!) { cases(first: $first, after: $after, filter: $filter) { edges { node { ...CaseSummary } } pageInfo { endCursor hasNextPage } } }","hash":"sha256:daa4322e7383057e19cf1a51c04f7a888e118853768824fa8d51d634cd034bc9"}} as unknown as TypedDocumentString<MyCasesQuery, MyCasesQueryVariables>;
export const CaseByIdDocument = {"__meta__":{"operationName":"CaseById","text":"fragment AssignmentDetail on Assignment { acceptedAt accountNumber createdAt finishedAt id materials { complete missingGroups { code name rule types { code name } } notes } organisation { name shortName } organisationCode preconditions { code confirmedAt met on } reason receivedAt result { accountNumber remarks } service status timeLimit { correctionRounds deadline onTime paused workingDaysUsed } version } fragment CaseDetail on Case { agent { name phone } applicant { creditCode idNumber kind name phone } applicationFormUrl assignments { ...AssignmentDetail } caseType channel commitment { agreedAt agreedBy channel identityVerification noticeSha256 text { signatureLabel title } textSha256 version } completedAt contact { name phone } electricity { accountNumber businessType capacityKw voltage } gas { accountNumber hourlyM3 households } heating { accountNumber startDate systemType } id intake { acceptingUnit notes opinion receivedBy } materials { addedAt file { contentType downloadUrl sha256 size uploadedAt } fileRef holder number type { name } typeCode verifiedAt } note number previousHolder { creditCode idNumber kind legalRepresentative { name phone } name phone } site { address district { name } districtCode projectName } status submittedAt telecom { installAddress otherDescription otherRequirements productTypes } updatedAt vatInvoice { bank bankAccount name phone taxAddress taxNumber } vatInvoiceWanted version water { accountNumber category nature } } query CaseById($id: ID!) { case(id: $id) { ...CaseDetail } }","hash":"sha256:682dbc5e033ac8c14135ee7f629b11fc03f39c44ddb1f9e8bab696c3d982ebba"}} as unknown as TypedDocumentString<CaseByIdQuery, CaseByIdQueryVariables>;
export const CaseByNumberDocument = {"__meta__":{"operationName":"CaseByNumber","text":"fragment AssignmentDetail on Assignment { acceptedAt accountNumber createdAt finishedAt id materials { complete missingGroups { code name rule types { code name } } notes } organisation { name shortName } organisationCode preconditions { code confirmedAt met on } reason receivedAt result { accountNumber remarks } service status timeLimit { correctionRounds deadline onTime paused workingDaysUsed } version } fragment CaseDetail on Case { agent { name phone } applicant { creditCode idNumber kind name phone } applicationFormUrl assignments { ...AssignmentDetail } caseType channel commitment { agreedAt agreedBy channel identityVerification noticeSha256 text { signatureLabel title } textSha256 version } completedAt contact { name phone } electricity { accountNumber businessType capacityKw voltage } gas { accountNumber hourlyM3 households } heating { accountNumber startDate systemType } id intake { acceptingUnit notes opinion receivedBy } materials { addedAt file { contentType downloadUrl sha256 size uploadedAt } fileRef holder number type { name } typeCode verifiedAt } note number previousHolder { creditCode idNumber kind legalRepresentative { name phone } name phone } site { address district { name } districtCode projectName } status submittedAt telecom { installAddress otherDescription otherRequirements productTypes } updatedAt vatInvoice { bank bankAccount name phone taxAddress taxNumber } vatInvoiceWanted version water { accountNumber category nature } } query CaseByNumber($number: String!) { caseByNumber(number: $number) { ...CaseDetail } }","hash":"sha256:eb54533b4189267e35dbc0666a775a668a4a403b2418bdb9b7ccce040ff9067f"}} as unknown as TypedDocumentString<CaseByNumberQuery, CaseByNumberQueryVariables>;
export const SubmitCaseDocument = {"__meta__":{"operationName":"SubmitCase","text":"fragment AssignmentDetail on Assignment { acceptedAt accountNumber createdAt finishedAt id materials { complete missingGroups { code name rule types { code name } } notes } organisation { name shortName } organisationCode preconditions { code confirmedAt met on } reason receivedAt result { accountNumber remarks } service status timeLimit { correctionRounds deadline onTime paused workingDaysUsed } version } fragment CaseDetail on Case { agent { name phone } applicant { creditCode idNumber kind name phone } applicationFormUrl assignments { ...AssignmentDetail } caseType channel commitment { agreedAt agreedBy channel identityVerification noticeSha256 text { signatureLabel title } textSha256 version } completedAt contact { name phone } electricity { accountNumber businessType capacityKw voltage } gas { accountNumber hourlyM3 households } heating { accountNumber startDate systemType } id intake { acceptingUnit notes opinion receivedBy } materials { addedAt file { contentType downloadUrl sha256 size uploadedAt } fileRef holder number type { name } typeCode verifiedAt } note number previousHolder { creditCode idNumber kind legalRepresentative { name phone } name phone } site { address district { name } districtCode projectName } status submittedAt telecom { installAddress otherDescription otherRequirements productTypes } updatedAt vatInvoice { bank bankAccount name phone taxAddress taxNumber } vatInvoiceWanted version water { accountNumber category nature } } fragment UserErrorFields on UserError { code field message } mutation SubmitCase($input: SubmitCaseInput!) { submitCase(input: $input) { case { ...CaseDetail } errors { ...UserErrorFields } } }","hash":"sha256:6f8b3ca4eb738c57903f690be53a094bb4499fda2b2000ed15b87f6424f20583"}} as unknown as TypedDocumentString<SubmitCaseMutation, SubmitCaseMutationVariables>;
export const AddMaterialsDocument = {"__meta__":{"operationName":"AddMaterials","text":"fragment AssignmentDetail on Assignment { acceptedAt accountNumber createdAt finishedAt id materials { complete missingGroups { code name rule types { code name } } notes } organisation { name shortName } organisationCode preconditions { code confirmedAt met on } reason receivedAt result { accountNumber remarks } service status timeLimit { correctionRounds deadline onTime paused workingDaysUsed } version } fragment CaseDetail on Case { agent { name phone } applicant { creditCode idNumber kind name phone } applicationFormUrl assignments { ...AssignmentDetail } caseType channel commitment { agreedAt agreedBy channel identityVerification noticeSha256 text { signatureLabel title } textSha256 version } completedAt contact { name phone } electricity { accountNumber businessType capacityKw voltage } gas { accountNumber hourlyM3 households } heating { accountNumber startDate systemType } id intake { acceptingUnit notes opinion receivedBy } materials { addedAt file { contentType downloadUrl sha256 size uploadedAt } fileRef holder number type { name } typeCode verifiedAt } note number previousHolder { creditCode idNumber kind legalRepresentative { name phone } name phone } site { address district { name } districtCode projectName } status submittedAt telecom { installAddress otherDescription otherRequirements productTypes } updatedAt vatInvoice { bank bankAccount name phone taxAddress taxNumber } vatInvoiceWanted version water { accountNumber category nature } } fragment UserErrorFields on UserError { code field message } mutation AddMaterials($input: AddMaterialsInput!) { addMaterials(input: $input) { case { ...CaseDetail } errors { ...UserErrorFields } } }","hash":"sha256:6b4bb781a0eb90225e62c7c0f491fcda3b38c851f454909dd0529cfbe9d1e659"}} as unknown as TypedDocumentString<AddMaterialsMutation, AddMaterialsMutationVariables>;
export const CaseEventsDocument = {"__meta__":{"operationName":"CaseEvents","text":"subscription CaseEvents($after: String, $caseId: ID!) { caseEvents(caseId: $caseId, after: $after) { case { assignments { id reason result { accountNumber remarks } service status version } completedAt id status version } cursor kind occurredAt } }","hash":"sha256:5138714627de4a9f22b61fc5b85553ec843d1e4c9c24ca52d6f0734ad3ebc220"}} as unknown as TypedDocumentString<CaseEventsSubscription, CaseEventsSubscriptionVariables>;
export const ApplicationFormDocument = {"__meta__":{"operationName":"ApplicationForm","text":"query ApplicationForm($applicantKind: ApplicantKind!, $caseType: CaseType!) { commitmentTexts { form signatureLabel text title version } districts { active code name } materialsCatalogue(caseType: $caseType, applicantKind: $applicantKind) { conditions groups { code name rule types { code name } } notes requiredAtApplication service } privacyNotice { preamble recipients { items { masked name } name purposes services } sha256 } }","hash":"sha256:cd8154660a5f811d0148b3f842e75eb28a0f35a1da4a984a75eb7673eccddc44"}} as unknown as TypedDocumentString<ApplicationFormQuery, ApplicationFormQueryVariables>;