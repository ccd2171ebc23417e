-- SPDX-License-Identifier: MIT
-- wrk script of bench/api: POST /api/orders (IN-JP-2020, in-requester's unit, two JPY lines)
-- with the API token $ACSA_TOKEN, dated within the activity (a back-entry with its reason); counts 201s and other statuses into an "api: created=N ..."
-- line. ACSA_KEYED=1 gives every request an Idempotency-Key of its own.

local token = os.getenv("ACSA_TOKEN") or ""
local keyed = os.getenv("ACSA_KEYED") == "1"
local threads = {}
local thread_no = 0

local body = '{"agreement":"IN-JP-2020","requester":"IN","supplier":"JP","activity":2,'
    .. '"method":"cash","requester_unit":2,"supplier_unit":5,"place":"Yokosuka berth 4",'
    .. '"need_by":"2024-06-18","date":"2024-06-12",'
    .. '"backdate_reason":"Benchmark: orders of JIMEX 2024 entered late","lines":['
    .. '{"category":"pol","desc":"Diesel fuel marine","qty":"1000","unit":"l",'
    .. '"price":"150","currency":"JPY"},'
    .. '{"category":"water","desc":"Potable water","qty":"20000","unit":"l",'
    .. '"price":"2","currency":"JPY"}]}'

local headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
}

function setup(thread)
    thread_no = thread_no + 1
    thread:set("thread_no", thread_no)
    table.insert(threads, thread)
end

function init(args)
    created = 0
    other = 0
    sent = 0
    statuses = {}
    fixed = wrk.format("POST", "/api/orders", headers, body)
end

function request()
    if not keyed then
        return fixed
    end
    sent = sent + 1
    headers["Idempotency-Key"] = string.format("bench-%d-%d-%d", os.time(), thread_no, sent)
    return wrk.format("POST", "/api/orders", headers, body)
end

function response(status, headers, body)
    if status == 201 then
        created = created + 1
    else
        other = other + 1
        statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
    end
end

function done(summary, latency, requests)
    local total_created, total_other = 0, 0
    local by_status = {}
    for _, thread in ipairs(threads) do
        total_created = total_created + thread:get("created")
        total_other = total_other + thread:get("other")
        for status, n in pairs(thread:get("statuses")) do
            by_status[status] = (by_status[status] or 0) + n
        end
    end
    local detail = ""
    for status, n in pairs(by_status) do
        detail = detail .. string.format(" status_%s=%d", status, n)
    end
    local e = summary.errors
    io.write(string.format("api: created=%d other=%d p50_us=%d p99_us=%d seconds=%.3f "
        .. "socket_errors=%d%s\n", total_created, total_other, latency:percentile(50),
        latency:percentile(99), summary.duration / 1e6,
        e.connect + e.read + e.write + e.timeout, detail))
end
