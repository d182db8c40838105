-- wrk script: sends distinct signed Slack slash commands, read from the file
-- REQUESTS (scripts/bench/sign-slack-commands: "ts TAB signature TAB body"
-- per line). Each signed request runs once per window at the gateway, so no
-- line is sent twice: thread k of n takes lines k, k+n, k+2n, … and stops
-- (wrk then reports fewer requests) if the file runs out.
-- THREADS must be wrk's -t.
local count = 0

function setup(thread)
   thread:set("id", count)
   count = count + 1
end

function init(args)
   requests = {}
   local stride = tonumber(os.getenv("THREADS") or "2")
   local n = 0
   for line in io.lines(os.getenv("REQUESTS")) do
      if n % stride == id then
         local ts, sig, body = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
         requests[#requests + 1] = wrk.format("POST", nil, {
            ["Content-Type"] = "application/x-www-form-urlencoded",
            ["X-Slack-Request-Timestamp"] = ts,
            ["X-Slack-Signature"] = sig,
         }, body)
      end
      n = n + 1
   end
   next_request = 0
end

function request()
   next_request = next_request + 1
   local r = requests[next_request]
   if r == nil then
      wrk.thread:stop()
      return requests[#requests]
   end
   return r
end
