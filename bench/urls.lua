-- wrk script: request the paths listed in $URLS (one per line) in turn, and report the run as
-- one JSON line (requests, seconds, errors, latency percentiles in microseconds).
local paths = {}
local index = 0

function init(args)
  for line in io.lines(os.getenv("URLS")) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  index = math.random(#paths) - 1
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "errors": %d, "non_2xx_3xx": %d, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration / 1e6, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
