-- wrk script of bench/run.sh: GET /t with a GBA Digest Authorization
-- header whose nc is fresh on every request (the module refuses a
-- replayed nc by design).
--
--   wrk ... -s bench/gba.lua URL -- LIST [HOST]
--
-- LIST.<n> is the list of thread n (1-based), written by
-- "bench.pl list": line 1 a string.format() template of the header
-- (nc, response), then one "nc response" line per request, in order.
-- Each thread has its own nonce, so its nc sequence is its own; the
-- connections of a thread share it and their nc values arrive slightly
-- out of order, which the module's 64-entry nc window allows (run.sh
-- keeps a thread at 48 connections or fewer).
--
-- The same requests go to the set-ups without authentication, so every
-- set-up parses the same bytes.  Non-200 answers are counted: a
-- measurement with any of them is invalid.

local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("id", #threads)
end

function init(args)
    local list = args[1] .. "." .. id
    local host = args[2] or "localhost"
    local f = assert(io.open(list, "r"))
    tmpl = f:read("*l")

    ncs, resps = {}, {}
    for line in f:lines() do
        local nc, resp = line:match("^(%x+) (%x+)$")
        ncs[#ncs + 1] = nc
        resps[#resps + 1] = resp
    end
    f:close()

    head = "GET " .. wrk.path .. " HTTP/1.1\r\nHost: " .. host
           .. "\r\nAuthorization: "
    next_i = 1
    bad = 0
    exhausted = 0
end

function request()
    local i = next_i

    if i > #ncs then
        -- out of fresh nc values: start again, replays the module
        -- answers with 401 (run.sh refuses such a run of b)
        exhausted = exhausted + 1
        i = 1
    end
    next_i = i + 1

    return head .. string.format(tmpl, ncs[i], resps[i]) .. "\r\n\r\n"
end

function response(status, hdrs, body)
    if status ~= 200 then
        bad = bad + 1
    end
end

function done(summary, latency, requests)
    local bad_total, exh_total = 0, 0

    for _, t in ipairs(threads) do
        bad_total = bad_total + t:get("bad")
        exh_total = exh_total + t:get("exhausted")
    end

    local e = summary.errors

    io.write(string.format("BENCH requests=%d duration_us=%d non200=%d "
                           .. "exhausted=%d socket_errors=%d\n",
                           summary.requests, summary.duration, bad_total,
                           exh_total,
                           e.connect + e.read + e.write + e.timeout))
end
