-- wrk script of bench/run.sh: GET /api/v1/orgs/{org}/entitlements, each
-- request for another of the ORGS organisations made by bench/entgen
-- (org_bench_00000 …), walking all of them in a scattered order that starts
-- at a random place in each thread. The bearer token comes with wrk's -H.
local orgs = tonumber(os.getenv("ORGS") or "10000")
local n = 0

function init(args)
	math.randomseed(os.time() + math.floor(os.clock() * 1e6))
	n = math.random(0, orgs - 1)
end

function request()
	n = n + 1
	local org = (n * 7919) % orgs -- 7919 is prime, so every organisation comes round
	return wrk.format("GET", string.format("/api/v1/orgs/org_bench_%05d/entitlements", org))
end
