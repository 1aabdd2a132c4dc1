-- What a PostGraphile user adds to the hub's tables to serve the same two operations, in their own schema
-- so the hub's schema stays as its migrations made it. PostGraphile exposes `public` (the tables and the
-- relation cases -> assignments through the foreign key) and `peers` (these functions).

CREATE SCHEMA IF NOT EXISTS peers;

-- The mobile "my cases" page: the cases where `subject` is the applicant or the agent, newest first.
-- Exposed as Query.myCases(subject); the page is the connection's `first: 20` (PostGraphile gives every
-- setof function first/after/..., so a function argument named `first` would clash). A STABLE SQL
-- function PostgreSQL inlines, so the connection's LIMIT reaches the ORDER BY.
CREATE OR REPLACE FUNCTION peers.my_cases(subject text) RETURNS SETOF public.cases
LANGUAGE sql STABLE AS $$
    SELECT c.*
    FROM public.cases c
    WHERE c.id IN (SELECT p.case_id FROM public.applicants p WHERE p.subject = my_cases.subject
                   UNION ALL
                   SELECT g.case_id FROM public.agents g WHERE g.subject = my_cases.subject)
    ORDER BY c.submitted_at DESC, c.id DESC
$$;

-- submitCase in one request: the case, its applicant, agent, site, materials and one assignment per
-- service, in one transaction (Mutation.submitCase). Objects use the tables' column names.
CREATE OR REPLACE FUNCTION peers.submit_case(
    case_type text, channel text, applicant jsonb, agent jsonb, site jsonb, services jsonb, materials jsonb,
    submitted_by text
) RETURNS public.cases
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    c public.cases;
BEGIN
    INSERT INTO public.cases (id, number, case_type, channel, status, version, submitted_at, updated_at,
                              submitted_by_subject, submitted_by_organisation, submitted_by_role)
    VALUES (gen_random_uuid(),
            'KF' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' ||
            (SELECT string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 1 + floor(random() * 32)::int, 1), '')
             FROM generate_series(1, 8)),
            case_type, channel, 'SUBMITTED', 1, now(), now(), submitted_by, 'KF-DATA', 'CLERK')
    RETURNING * INTO c;
    INSERT INTO public.applicants SELECT (jsonb_populate_record(NULL::public.applicants,
                                                               applicant || jsonb_build_object('case_id', c.id))).*;
    IF agent IS NOT NULL THEN
        INSERT INTO public.agents SELECT (jsonb_populate_record(NULL::public.agents,
                                                               agent || jsonb_build_object('case_id', c.id))).*;
    END IF;
    INSERT INTO public.sites SELECT (jsonb_populate_record(NULL::public.sites,
                                                          site || jsonb_build_object('case_id', c.id))).*;
    INSERT INTO public.materials (id, case_id, type_code, number, verified_by, verified_at, added_at)
    SELECT gen_random_uuid(), c.id, m ->> 'type_code', m ->> 'number', submitted_by, now(), now()
    FROM jsonb_array_elements(materials) AS m;
    INSERT INTO public.assignments (id, case_id, service, organisation_code, status, version, form,
                                    account_number, materials_complete, missing_groups, created_at, updated_at,
                                    clock_started_at, clock_running_since, clock_elapsed_seconds,
                                    deadline_provisional, correction_rounds)
    SELECT gen_random_uuid(), c.id, s.service, s.organisation_code, 'PENDING', 1,
           (services -> s.service)::json, services -> s.service ->> 'account_number', true, '[]', now(), now(),
           now(), now(), 0, false, 0
    FROM public.service_providers s
    WHERE services ? s.service;
    RETURN c;
END
$$;
