-- One chunk of the peer benchmark's fill: cases {lo}..{hi} of {n}, written as the hub writes them
-- (case, applicant, agent, site, materials, assignments with their clocks, events, the SMS sent).
-- Case i was submitted at anchor - 730 days * (n - i) / n, so case numbers follow time; its progress
-- follows its age (old cases are finished, the newest month is still being worked). Statements are
-- separated by ';' at the end of a line. Placeholders: {lo} {hi} {n} {anchor} {known}.

CREATE TEMP TABLE fill_case ON COMMIT DROP AS
SELECT b.*,
       CASE WHEN b.known_agent THEN 'ENTERPRISE'
            WHEN b.case_type = 'CONNECTION' AND b.i % 2 = 0 THEN 'ENTERPRISE' ELSE 'INDIVIDUAL' END AS kind,
       CASE WHEN b.known_agent THEN 'CITIZEN_CENTRE_WINDOW'
            WHEN b.known THEN 'MOBILE_APP'
            ELSE (ARRAY['CITIZEN_CENTRE_WINDOW', 'UTILITY_HALL', 'GOVERNMENT_PORTAL', 'MOBILE_APP',
                        'GOVERNMENT_PLATFORM'])[1 + b.i % 5] END AS channel,
       CASE WHEN b.age > 0.05 THEN
                CASE WHEN b.h < 80 THEN 'COMPLETED' WHEN b.h < 90 THEN 'PARTIALLY_COMPLETED'
                     WHEN b.h < 95 THEN 'REJECTED' WHEN b.h < 98 THEN 'IN_PROGRESS' ELSE 'NEEDS_MATERIALS' END
            ELSE CASE WHEN b.h < 20 THEN 'SUBMITTED' WHEN b.h < 55 THEN 'IN_PROGRESS'
                      WHEN b.h < 70 THEN 'NEEDS_MATERIALS' ELSE 'COMPLETED' END END AS stage,
       CASE WHEN b.case_type = 'CONNECTION' AND b.i % 7 = 0 THEN 5
            ELSE least(2 + b.i % 3, 4) END AS services
FROM (
    SELECT i,
           md5('case' || i)::uuid AS id,
           (i::bigint * 7919) % 100 AS h,
           ({n} - i)::float8 / {n} AS age,
           timestamptz '{anchor}' - interval '1 hour' - interval '730 days' * (({n} - i)::float8 / {n}) AS submitted_at,
           CASE WHEN i % 3 = 0 THEN 'CONNECTION' ELSE 'TRANSFER' END AS case_type,
           i % {known_step} = {known_step} / 2 AS known,
           i % {known_step} = {known_step} / 2 AND (i / {known_step}) % 4 = 3 AS known_agent,
           'app-user-' || (i % greatest({n} / 3, 1)) AS app_user
    FROM generate_series({lo}, {hi}) AS i
) AS b;

CREATE TEMP TABLE fill_assignment ON COMMIT DROP AS
SELECT c.i, c.id AS case_id, c.case_type, c.stage, c.h, c.submitted_at, s.k, s.service, s.organisation_code,
       md5('assignment' || c.i || s.service)::uuid AS id,
       CASE c.stage
            WHEN 'SUBMITTED' THEN 'PENDING'
            WHEN 'COMPLETED' THEN 'COMPLETED'
            WHEN 'REJECTED' THEN 'REJECTED'
            WHEN 'PARTIALLY_COMPLETED' THEN CASE WHEN s.k = c.services THEN 'REJECTED' ELSE 'COMPLETED' END
            WHEN 'NEEDS_MATERIALS' THEN CASE WHEN s.k = 1 THEN 'NEEDS_MATERIALS' WHEN s.k = 2 THEN 'RECEIVED' ELSE 'COMPLETED' END
            ELSE CASE WHEN s.k = 1 THEN 'ACCEPTED' WHEN s.k = 2 THEN 'RECEIVED'
                      ELSE (ARRAY['COMPLETED', 'ACCEPTED', 'PENDING'])[1 + (c.h + s.k) % 3] END
       END AS status,
       least(c.submitted_at + interval '4 hours' * (s.k + c.h % 5), timestamptz '{anchor}') AS finished,
       CASE WHEN c.case_type = 'TRANSFER' THEN s.prefix || lpad(c.i::text, 9, '0') END AS account_number,
       CASE WHEN c.case_type = 'CONNECTION' THEN s.connection_form ELSE '{{}}' END AS form,
       CASE WHEN c.case_type = 'CONNECTION' THEN 432000.0 ELSE 28800.0 END AS limit_seconds,
       s.prefix
FROM fill_case c
JOIN (VALUES
    (1, 'TRANSFER', 'WATER', 'KF-WATER', 'W-', ''),
    (2, 'TRANSFER', 'ELECTRICITY', 'KF-POWER', '04', ''),
    (3, 'TRANSFER', 'GAS', 'KF-GAS', 'G-', ''),
    (4, 'TRANSFER', 'HEATING', 'KF-HEAT', 'H-', ''),
    (1, 'CONNECTION', 'ELECTRICITY', 'KF-POWER', '04',
     '{{"voltage": "LOW", "business_type": "NEW", "capacity_kw": 12.0, "supply_mode": "AC_220V", "external_line_works": false}}'),
    (2, 'CONNECTION', 'WATER', 'KF-WATER', 'W-',
     '{{"nature": "RESIDENTIAL", "category": "NEW", "supply_mode": null, "user_category": null}}'),
    (3, 'CONNECTION', 'GAS', 'KF-GAS', 'G-', '{{"households": 1, "hourly_m3": 2.5, "project_description": null}}'),
    (4, 'CONNECTION', 'TELECOM', 'KF-TELECOM', 'T-',
     '{{"product_types": ["BROADBAND"], "other_description": null, "install_address": null}}'),
    (5, 'CONNECTION', 'HEATING', 'KF-HEAT', 'H-',
     '{{"start_date": null, "system_type": "RADIATOR", "loads": [{{"use": "RESIDENTIAL", "area_m2": 96.0, "medium_parameters": null, "load_kw": 6.0}}]}}')
) AS s(k, case_type, service, organisation_code, prefix, connection_form)
  ON s.case_type = c.case_type AND s.k <= c.services;

INSERT INTO cases (id, number, case_type, channel, status, version, submitted_at, updated_at, completed_at,
                   submitted_by_subject, submitted_by_organisation, submitted_by_role, note, vat_invoice)
SELECT c.id,
       'KF' || to_char(c.submitted_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' ||
       (SELECT string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 1 + get_byte(decode(md5('number' || c.i), 'hex'), p) % 32, 1), '')
        FROM generate_series(0, 7) AS p),
       c.case_type, c.channel, c.stage,
       CASE WHEN c.stage = 'SUBMITTED' THEN 1 ELSE 1 + 2 * c.services END,
       c.submitted_at,
       CASE WHEN c.stage = 'SUBMITTED' THEN c.submitted_at
            ELSE least(c.submitted_at + interval '4 hours' * (c.services + c.h % 5), timestamptz '{anchor}') END,
       CASE WHEN c.stage IN ('COMPLETED', 'PARTIALLY_COMPLETED', 'REJECTED')
            THEN least(c.submitted_at + interval '4 hours' * (c.services + c.h % 5), timestamptz '{anchor}') END,
       CASE WHEN c.channel IN ('MOBILE_APP', 'GOVERNMENT_PORTAL')
            THEN CASE WHEN c.known THEN '{known}' ELSE c.app_user END
            WHEN c.channel = 'GOVERNMENT_PLATFORM' THEN 'platform@KF-DATA' ELSE 'clerk-' || (c.i % 40) END,
       CASE c.channel WHEN 'MOBILE_APP' THEN NULL WHEN 'GOVERNMENT_PORTAL' THEN NULL
                      WHEN 'UTILITY_HALL' THEN (ARRAY['KF-WATER', 'KF-POWER', 'KF-GAS', 'KF-HEAT'])[1 + c.i % 4]
                      ELSE 'KF-DATA' END,
       CASE c.channel WHEN 'MOBILE_APP' THEN 'APPLICANT' WHEN 'GOVERNMENT_PORTAL' THEN 'APPLICANT'
                      WHEN 'GOVERNMENT_PLATFORM' THEN 'PLATFORM' ELSE 'CLERK' END,
       CASE WHEN c.case_type = 'TRANSFER' THEN '购房后过户' END,
       CASE WHEN c.kind = 'ENTERPRISE'
            THEN json_build_object('name', '开封市' || (c.i % 997) || '号食品有限公司', 'phone', '0371-2345' || lpad((c.i % 10000)::text, 4, '0'),
                                   'tax_number', '91410200MA' || upper(substr(md5('credit' || c.i), 1, 8)),
                                   'tax_address', NULL, 'bank', '中国银行开封分行', 'bank_account', lpad(c.i::text, 10, '0'))
            ELSE 'null'::json END
FROM fill_case c;

INSERT INTO applicants (case_id, kind, name, phone, id_number, credit_code, enterprise_type, address,
                        legal_rep_name, legal_rep_phone, legal_rep_id_number, subject)
SELECT c.id, c.kind,
       CASE WHEN c.kind = 'ENTERPRISE' THEN '开封市' || (c.i % 997) || '号食品有限公司'
            ELSE (ARRAY['张', '王', '李', '赵', '刘', '陈', '杨', '黄'])[1 + c.i % 8] ||
                 (ARRAY['伟', '芳', '娜', '敏', '静', '强', '磊', '洋'])[1 + (c.i / 8) % 8] END,
       '13' || lpad(((c.i::bigint * 7919) % 1000000000)::text, 9, '0'),
       CASE WHEN c.kind = 'INDIVIDUAL' THEN id.body || id.check_char END,
       CASE WHEN c.kind = 'ENTERPRISE' THEN '91410200MA' || upper(substr(md5('credit' || c.i), 1, 8)) END,
       CASE WHEN c.kind = 'ENTERPRISE' THEN 'PRIVATE' END,
       CASE WHEN c.kind = 'ENTERPRISE' THEN '开封市祥符区工业园 ' || (c.i % 300) || ' 号' END,
       CASE WHEN c.kind = 'ENTERPRISE' THEN '李强' END,
       CASE WHEN c.kind = 'ENTERPRISE' THEN '13700137000' END,
       CASE WHEN c.kind = 'ENTERPRISE' THEN id.body || id.check_char END,
       CASE WHEN c.known_agent THEN NULL
            WHEN c.known THEN '{known}'
            WHEN c.channel IN ('MOBILE_APP', 'GOVERNMENT_PORTAL') OR c.i % 2 = 0 THEN c.app_user END
FROM fill_case c
CROSS JOIN LATERAL (
    -- GB 11643: a Kaifeng county code, a birth date, a sequence number and the check character.
    SELECT d.body, substr('10X98765432', 1 + (SELECT sum(substr(d.body, k, 1)::int * ((2 ^ (18 - k))::bigint % 11))
                                              FROM generate_series(1, 17) AS k)::int % 11, 1) AS check_char
    FROM (SELECT '410202' || to_char(date '1960-01-01' + (c.i * 37) % 16000, 'YYYYMMDD') ||
                 lpad((c.i % 1000)::text, 3, '0') AS body) AS d
) AS id;

INSERT INTO agents (case_id, name, phone, id_number, subject)
SELECT c.id, '王芳', '13600136000', '41022119920715004X', CASE WHEN c.known_agent THEN '{known}' END
FROM fill_case c WHERE c.kind = 'ENTERPRISE';

INSERT INTO sites (case_id, address, district_code, project_name)
SELECT c.id, '开封市某路 ' || (c.i % 500) || ' 号 ' || (1 + c.i % 6) || ' 单元 ' || (101 + c.i % 20),
       (ARRAY['410202', '410203', '410204', '410205', '410212', '410221', '410222', '410223', '410225'])[1 + c.i % 9],
       CASE WHEN c.kind = 'ENTERPRISE' THEN '厂房二期' END
FROM fill_case c;

INSERT INTO materials (id, case_id, type_code, number, holder, file_ref, verified_by, verified_at, added_at)
SELECT md5('material' || c.i || m.type_code)::uuid, c.id, m.type_code, NULL, NULL, NULL,
       CASE WHEN c.channel IN ('CITIZEN_CENTRE_WINDOW', 'UTILITY_HALL') THEN 'clerk-' || (c.i % 40) END,
       CASE WHEN c.channel IN ('CITIZEN_CENTRE_WINDOW', 'UTILITY_HALL') THEN c.submitted_at END,
       c.submitted_at
FROM fill_case c
JOIN (VALUES ('INDIVIDUAL', 'TRANSFER', 'RESIDENT_ID_CARD'), ('INDIVIDUAL', 'TRANSFER', 'PROPERTY_CERTIFICATE'),
             ('INDIVIDUAL', 'TRANSFER', 'OWNER_ID'),
             ('INDIVIDUAL', 'CONNECTION', 'RESIDENT_ID_CARD'), ('INDIVIDUAL', 'CONNECTION', 'PROPERTY_CERTIFICATE'),
             ('ENTERPRISE', 'TRANSFER', 'BUSINESS_LICENCE'), ('ENTERPRISE', 'TRANSFER', 'LEGAL_REP_ID'),
             ('ENTERPRISE', 'TRANSFER', 'AGENT_ID'), ('ENTERPRISE', 'TRANSFER', 'PROPERTY_CERTIFICATE'),
             ('ENTERPRISE', 'CONNECTION', 'BUSINESS_LICENCE'), ('ENTERPRISE', 'CONNECTION', 'LEGAL_REP_ID'),
             ('ENTERPRISE', 'CONNECTION', 'AGENT_ID'), ('ENTERPRISE', 'CONNECTION', 'PROPERTY_CERTIFICATE'))
  AS m(kind, case_type, type_code) ON m.kind = c.kind AND m.case_type = c.case_type;

INSERT INTO assignments (id, case_id, service, organisation_code, status, version, form, account_number,
                         materials_complete, missing_groups, reason, result_account_number, result_remarks,
                         created_at, updated_at, received_at, accepted_at, finished_at,
                         limit_rule_id, limit_seconds, clock_started_at, clock_running_since, clock_elapsed_seconds,
                         warning_at, deadline_at, deadline_provisional, warning_raised_at, overdue_raised_at,
                         on_time, correction_rounds)
SELECT a.id, a.case_id, a.service, a.organisation_code, a.status,
       CASE a.status WHEN 'PENDING' THEN 1 WHEN 'RECEIVED' THEN 2 WHEN 'REJECTED' THEN 2 WHEN 'ACCEPTED' THEN 3 ELSE 4 END,
       a.form::json, a.account_number, true, '[]',
       CASE a.status WHEN 'NEEDS_MATERIALS' THEN '请补充不动产权证书' WHEN 'REJECTED' THEN '用户信息与户号不符' END,
       CASE WHEN a.status = 'COMPLETED' THEN coalesce(a.account_number, a.prefix || lpad(a.i::text, 9, '0')) END,
       NULL,
       a.submitted_at,
       CASE WHEN a.status = 'PENDING' THEN a.submitted_at ELSE a.finished END,
       CASE WHEN a.status <> 'PENDING' THEN least(a.submitted_at + interval '1 hour', a.finished) END,
       CASE WHEN a.status IN ('ACCEPTED', 'COMPLETED', 'NEEDS_MATERIALS') THEN least(a.submitted_at + interval '2 hours', a.finished) END,
       CASE WHEN a.status IN ('COMPLETED', 'REJECTED') THEN a.finished END,
       (SELECT min(r.id) FROM time_limit_rules r
        WHERE r.case_type = a.case_type AND r.service = a.service AND r.variant = 'DEFAULT'),
       a.limit_seconds, a.submitted_at,
       CASE WHEN a.status IN ('PENDING', 'RECEIVED', 'ACCEPTED') THEN a.submitted_at END,
       CASE WHEN a.status IN ('PENDING', 'RECEIVED', 'ACCEPTED') THEN 0
            ELSE extract(epoch FROM a.finished - a.submitted_at) / 3 END,
       a.submitted_at + make_interval(secs => a.limit_seconds * 1.2),
       a.submitted_at + make_interval(secs => a.limit_seconds * 1.6),
       false,
       CASE WHEN a.status IN ('PENDING', 'RECEIVED', 'ACCEPTED')
             AND a.submitted_at + make_interval(secs => a.limit_seconds * 1.2) <= timestamptz '{anchor}'
            THEN a.submitted_at + make_interval(secs => a.limit_seconds * 1.2) END,
       CASE WHEN a.status IN ('PENDING', 'RECEIVED', 'ACCEPTED')
             AND a.submitted_at + make_interval(secs => a.limit_seconds * 1.6) <= timestamptz '{anchor}'
            THEN a.submitted_at + make_interval(secs => a.limit_seconds * 1.6) END,
       CASE WHEN a.status IN ('COMPLETED', 'REJECTED')
            THEN a.finished <= a.submitted_at + make_interval(secs => a.limit_seconds * 1.6) END,
       CASE WHEN a.status = 'NEEDS_MATERIALS' THEN 1 ELSE 0 END
FROM fill_assignment a;

INSERT INTO events (occurred_at, kind, case_id, assignment_id, organisation_code, actor_subject, actor_organisation, payload)
SELECT e.occurred_at, e.kind, e.case_id, e.assignment_id, e.organisation_code, e.actor_subject, e.actor_organisation, e.payload
FROM (
    SELECT c.i, 0 AS k, 0 AS step, c.submitted_at AS occurred_at, 'CASE_SUBMITTED' AS kind, c.id AS case_id,
           NULL::uuid AS assignment_id, NULL AS organisation_code, x.submitted_by_subject AS actor_subject,
           x.submitted_by_organisation AS actor_organisation,
           json_build_object('number', x.number, 'status', 'SUBMITTED') AS payload
    FROM fill_case c JOIN cases x ON x.id = c.id
    UNION ALL
    SELECT a.i, a.k, 0, a.submitted_at, 'ASSIGNMENT_CREATED', a.case_id, a.id, a.organisation_code,
           x.submitted_by_subject, x.submitted_by_organisation,
           json_build_object('caseNumber', x.number, 'service', a.service, 'status', 'PENDING', 'version', 1)
    FROM fill_assignment a JOIN cases x ON x.id = a.case_id
    UNION ALL
    SELECT a.i, a.k, 1, a.finished,
           CASE a.status WHEN 'RECEIVED' THEN 'ASSIGNMENT_RECEIVED' WHEN 'ACCEPTED' THEN 'ASSIGNMENT_ACCEPTED'
                         WHEN 'NEEDS_MATERIALS' THEN 'MATERIALS_REQUESTED' WHEN 'COMPLETED' THEN 'ASSIGNMENT_COMPLETED'
                         ELSE 'ASSIGNMENT_REJECTED' END,
           a.case_id, a.id, a.organisation_code, 'system@' || a.organisation_code, a.organisation_code,
           json_build_object('caseNumber', x.number, 'service', a.service, 'status', a.status, 'version', 2)
    FROM fill_assignment a JOIN cases x ON x.id = a.case_id
    WHERE a.status <> 'PENDING'
) AS e
ORDER BY e.step, e.i, e.k;

INSERT INTO notifications (id, case_id, kind, recipient, recipient_role, text, status, attempts, next_attempt_at,
                           last_error, created_at, sent_at)
SELECT md5('sms' || c.i)::uuid, c.id, 'CASE_SUBMITTED', p.phone, 'APPLICANT',
       '【开封一件事】您的水电气暖信' || CASE WHEN c.case_type = 'TRANSFER' THEN '过户' ELSE '报装' END ||
       '申请已受理，办件编号' || x.number || '，可在汴捷办查询办理进度。',
       'SENT', 1, c.submitted_at, NULL, c.submitted_at, c.submitted_at + interval '5 seconds'
FROM fill_case c JOIN cases x ON x.id = c.id JOIN applicants p ON p.case_id = c.id;
