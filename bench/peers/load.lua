-- wrk script for bench/peer_speed.py: POSTs bodies from a file (one JSON body per line, in turn, wrapping at
-- the end; a line "AUTHORIZATION<TAB>BODY" also sets that request's Authorization header), checks each
-- response and reports one JSON line at the end. Run with one thread (-t1), so each line is sent once
-- before any is sent again.
--   wrk -t1 -c32 -d10s -s load.lua URL -- BODIES_FILE OK_MARKER [LINES_TAKEN_BEFORE]
-- A response counts as bad unless it is a 200 whose body contains OK_MARKER and no non-empty "errors" list
-- (neither GraphQL's top-level one nor a mutation's typed errors).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  bodies = {}
  for line in io.lines(args[1]) do
    if #line > 0 then
      local tab = string.find(line, "\t", 1, true)
      if tab then
        local headers = {Authorization = string.sub(line, 1, tab - 1)}
        for key, value in pairs(wrk.headers) do headers[key] = value end
        table.insert(bodies, {string.sub(line, tab + 1), headers})
      else
        table.insert(bodies, {line, nil})
      end
    end
  end
  ok_marker = args[2]
  bad = 0
  sent = 0
  wrapped = 0
  -- args[3]: how many lines earlier runs took, so a run goes on where the last one stopped (a body that may be
  -- sent only once, like an application that would otherwise be a duplicate, is not sent again by the next run)
  position = tonumber(args[3] or "0") % math.max(#bodies, 1)
end

function request()
  position = position + 1
  if position > #bodies then
    position = 1
    wrapped = wrapped + 1
  end
  sent = sent + 1
  local body = bodies[position]
  return wrk.format(nil, nil, body[2], body[1])
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, ok_marker, 1, true) or string.find(body, '"errors"%s*:%s*%[%s*{') then
    bad = bad + 1
    if bad == 1 then io.stderr:write("first bad response (" .. status .. "): " .. string.sub(body, 1, 400) .. "\n") end
  end
end

function done(summary, latency, requests)
  local bad_total, wrapped_total = 0, 0
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
    wrapped_total = wrapped_total + thread:get("wrapped")
  end
  local e = summary.errors
  io.write(string.format(
    '\nRESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "bad": %d, "wrapped": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), bad_total, wrapped_total,
    e.connect, e.read, e.write, e.status, e.timeout))
end
