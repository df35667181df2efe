-- A realistic mix of read requests, chosen at random per request; counts bad statuses.
local paths = {
  "/v1/statistics", "/v1/statistics?limit=10&sort=-value", "/v1/statistics?metric=trade-deficit-goods",
  "/v1/statistics?year=2016", "/v1/statistics/as-goods-deficit-2016", "/v1/statistics?format=csv",
  "/v1/sources", "/v1/sources/ictsd-bridges-2017-07-06", "/v1/sources/ictsd-bridges-2017-07-06/text",
  "/v1/sources/whitehouse-fact-sheet-2018-03-28/coverage", "/v1/provisions", "/v1/provisions/autos-eco-credits",
  "/v1/meetings", "/v1/meetings?from=2018-01", "/v1/milestones", "/v1/timeline", "/v1/timeline.ics",
  "/v1/search?q=deficit", "/v1/search?q=eco-credits", "/v1/discrepancies", "/v1/checks",
  "/v1/metrics", "/readyz", "/healthz",
}
local bad = 0
math.randomseed(20180328)

request = function()
  return wrk.format("GET", paths[math.random(#paths)], {["Accept-Encoding"] = "gzip"})
end

response = function(status, headers, body)
  if status ~= 200 and status ~= 304 then
    bad = bad + 1
  end
end

done = function(summary, latency, requests)
  io.write(string.format("requests=%d errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
  io.write(string.format("p50_ms=%.2f p99_ms=%.2f rps=%.1f\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
