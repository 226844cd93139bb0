-- wrk script for bench/lookup.py: GET <route>?url=<a random stored endpoint URL>.
-- Usage: wrk -t2 -c64 -d10s --latency -s bench/lookup.lua http://127.0.0.1:PORT -- URLS_FILE [ROUTE]
-- ROUTE defaults to /v1/lookup; the baseline passes /bench/trivial, so both sides cost wrk the
-- same Lua work and send the same request bytes.
-- URLS_FILE holds one already URL-encoded endpoint URL per line (written by bench/lookup.py).
-- With BENCH_BEARER set, every request carries `Authorization: Bearer $BENCH_BEARER`.

local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_index", thread_count)
end

local paths = {}

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot open the URL list " .. tostring(args[1]))
  for line in file:lines() do
    if line ~= "" then
      paths[#paths + 1] = (args[2] or "/v1/lookup") .. "?url=" .. line
    end
  end
  file:close()
  assert(#paths > 0, "the URL list is empty")
  -- A different sequence per thread, so the threads do not ask for the same URLs in step.
  math.randomseed(os.time() * 7919 + (thread_index or 0))
end

local headers = {}
local bearer = os.getenv("BENCH_BEARER")
if bearer and bearer ~= "" then
  headers["Authorization"] = "Bearer " .. bearer
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
