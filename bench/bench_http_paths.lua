-- bench_http_paths.lua: a wrk script for bench/bench_http.sh. Each request is the
-- next line of a file of request paths ("/v1/locate?family=...", one a line), so
-- the server answers many different queries, not one it could keep warm.
--
--   wrk -t2 -c64 -d10s -s bench/bench_http_paths.lua http://127.0.0.1:PORT -- FILE [AUTHORIZATION]
--
-- AUTHORIZATION, when given and not empty, is sent as the Authorization header.
-- Each wrk thread starts at its own point of the file (a large prime stride
-- from the start, by thread number) so the threads do not send the
-- same sequence.

local paths = {}
local count, next_index = 0, 0
local threads = 0

function setup(thread)
   thread:set("thread_number", threads)
   threads = threads + 1
end

function init(args)
   local file = args[1]
   if not file then
      error("bench_http_paths.lua: pass the file of paths after --")
   end
   for line in io.lines(file) do
      if line ~= "" then
         count = count + 1
         paths[count] = line
      end
   end
   if count == 0 then
      error("bench_http_paths.lua: " .. file .. " holds no paths")
   end
   if args[2] and args[2] ~= "" then
      wrk.headers["Authorization"] = args[2]
   end
   next_index = ((thread_number or 0) * 7919 * 13) % count
end

function request()
   next_index = next_index % count + 1
   return wrk.format("GET", paths[next_index])
end
