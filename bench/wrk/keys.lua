-- wrk script for the REST key routes: each request addresses a random key out of a set the
-- harness pre-populated, so GETs never miss and PUTs replace (200), as a warm cache does.
--
--   wrk -t1 -c64 -d10s -s bench/wrk/keys.lua <url> -- <GET|PUT> <key prefix> <key count> <json|raw> <body bytes> [<path prefix> <path suffix>]
--
-- The path is <path prefix><key prefix><n><path suffix>: /keys/bench:json:17 by default, and for
-- webdis /GET/bench:json:17.json, /GET/bench:raw:17.txt or /SET/bench:raw:17 (the PUT body is the value).
-- json: GET asks for the JSON envelope; PUT sends {"value":"xxx..."} of <body bytes> in total.
-- raw:  GET sends Accept: application/octet-stream (the stored type); PUT sends <body bytes> raw.
-- done() prints one line, "WRK_RESULT {json}", that the harness parses instead of wrk's prose.

local method, prefix, keyCount
local pathPrefix, pathSuffix = "/keys/", ""
local headers = {}
local body = nil

function init(args)
  method, prefix, keyCount = args[1], args[2], tonumber(args[3])
  local kind, bodyBytes = args[4], tonumber(args[5])
  if args[6] ~= nil then pathPrefix, pathSuffix = args[6], args[7] or "" end
  math.randomseed(os.time())
  if kind == "raw" then
    if method == "GET" then headers["Accept"] = "application/octet-stream" end
    if method == "PUT" then
      headers["Content-Type"] = "application/octet-stream"
      body = string.rep("r", bodyBytes)
    end
  elseif method == "PUT" then
    headers["Content-Type"] = "application/json"
    local envelopeBytes = string.len('{"value":""}')
    body = '{"value":"' .. string.rep("j", bodyBytes - envelopeBytes) .. '"}'
  end
end

function request()
  return wrk.format(method, pathPrefix .. prefix .. math.random(1, keyCount) .. pathSuffix, headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"durationUs":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"latencyUs":{"p50":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
