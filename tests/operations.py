"""The GraphQL documents the tests send, as a client would write them."""

CASE_FIELDS = """
  id number caseType channel status version submittedAt completedAt
  applicant { kind name phone idNumber creditCode legalRepresentative { name idNumber } }
  agent { name phone }
  site { address districtCode district { name } }
  materials { typeCode verifiedBy }
  water { accountNumber nature category supplyMode userCategory }
  electricity { accountNumber voltage businessType capacityKw ownPowerSource firstSourceRequestedKva }
  gas { accountNumber households hourlyM3 }
  heating { accountNumber startDate systemType loads { use areaM2 loadKw } }
  telecom { productTypes installAddress }
  vatInvoice { name taxNumber }
  assignments {
    id service status version organisationCode accountNumber reason finishedAt
    result { accountNumber remarks }
    materials { complete requiredAtApplication notes missingGroups { code rule types { code } } }
  }
"""

SUBMIT = """
mutation Submit($input: SubmitCaseInput!) {
  submitCase(input: $input) { case { %s } errors { field code message } }
}
""" % CASE_FIELDS

CASE = "query Case($id: ID!) { case(id: $id) { %s } }" % CASE_FIELDS
CASE_BY_NUMBER = "query ($n: String!) { caseByNumber(number: $n) { id number status } }"

ADD_MATERIALS = """
mutation Add($input: AddMaterialsInput!) {
  addMaterials(input: $input) { case { id version status assignments { id service status version materials { complete missingGroups { code } } } }
                               errors { field code message } }
}
"""

_ASSIGNMENT = "assignment { id status version reason result { accountNumber remarks } } errors { field code message }"
ACKNOWLEDGE = "mutation ($input: AssignmentWriteInput!) { acknowledgeAssignment(input: $input) { %s } }" % _ASSIGNMENT
ACCEPT = "mutation ($input: AssignmentWriteInput!) { acceptAssignment(input: $input) { %s } }" % _ASSIGNMENT
REQUEST_MATERIALS = "mutation ($input: AssignmentReasonInput!) { requestMaterials(input: $input) { %s } }" % _ASSIGNMENT
COMPLETE = "mutation ($input: CompleteAssignmentInput!) { completeAssignment(input: $input) { %s } }" % _ASSIGNMENT
REJECT = "mutation ($input: AssignmentReasonInput!) { rejectAssignment(input: $input) { %s } }" % _ASSIGNMENT
CONFIRM_PRECONDITIONS = ("mutation ($input: ConfirmPreconditionsInput!) { confirmPreconditions(input: $input) { %s } }"
                         % _ASSIGNMENT)
PRECONDITIONS = """query ($id: ID!) { node(id: $id) { ... on Assignment { version updatedAt
  preconditions { code met on confirmedBy confirmedAt } } } }"""

CASES = """
query Cases($filter: CaseFilterInput, $first: Int!, $after: String) {
  cases(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id number status submittedAt } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

WORK_QUEUE = """
query Queue($filter: WorkQueueFilterInput, $first: Int!, $after: String) {
  workQueue(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id service status version case { number } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
