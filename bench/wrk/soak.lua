-- Soak: each connection cycles through the paths given after "--", and every answer
-- that is not a 2xx is counted (wrk itself only counts 4xx and 5xx).
-- Usage: wrk -s soak.lua http://host:port -- /path1 /path2 ...

local threads = {}
paths = {}
next_path = 1
non2xx = 0

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  for i, path in ipairs(args) do
    paths[i] = path
  end
end

request = function()
  local path = paths[next_path]
  next_path = next_path % #paths + 1
  return wrk.format(nil, path)
end

response = function(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, '
      .. '"write": %d, "status": %d, "timeout": %d, "non2xx": %d, "p50_us": %d, "p99_us": %d, '
      .. '"max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, total, latency:percentile(50), latency:percentile(99), latency.max))
end
