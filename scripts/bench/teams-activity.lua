-- wrk script: posts one Teams `message` activity (`chatops whoami`) again and
-- again, each with a different activity id, since the gateway drops an
-- activity id it has seen in the conversation (the Bot Framework redelivers).
-- BODY (from scripts/bench-gateway-teams) holds ACTIVITY_ID where the id goes;
-- TOKEN is the Bot Connector JWT, which does not cover the body.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local prefix, suffix
local n = 0
function init(args)
  local body = os.getenv("BODY")
  local at, to = string.find(body, "ACTIVITY_ID", 1, true)
  prefix, suffix = string.sub(body, 1, at - 1), string.sub(body, to + 1)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
end

function request()
  n = n + 1
  return wrk.format(nil, nil, nil, prefix .. "bench-" .. tid .. "-" .. n .. suffix)
end
