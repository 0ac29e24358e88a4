-- wrk script of bench/ideas_vote.sh: votes on the Innovation Square.
-- TOKENS (comma-separated bearer tokens of people who may vote) and IDEA_IDS
-- (comma-separated idea ids none of them has voted for) make the pairs
-- (person, idea); THREADS is wrk's -t. Each thread walks its own share of
-- the pairs over and over, casting the vote on every pair in one pass
-- (POST /api/v1/ideas/{id}/vote) and taking it back in the next (DELETE),
-- so every request is one a person may make: a pair comes round again only
-- after all the thread's other pairs, long after its last request answered
-- (a thread has at most its connections in flight). A run leaves some votes
-- cast, so each run gets ideas of its own.
local function split(s)
	local out = {}
	for v in string.gmatch(s or "", "[^,]+") do
		out[#out + 1] = v
	end
	return out
end

local tokens, ideas = split(os.getenv("TOKENS")), split(os.getenv("IDEA_IDS"))
local threads = tonumber(os.getenv("THREADS") or "2")
local next_id = 0

function setup(thread)
	thread:set("thread_id", next_id)
	next_id = next_id + 1
end

local mine, n = {}, 0
-- wrk calls the first thread's request() once before the run to see what it
-- makes, and never sends that one: it must not count as a pass's request.
local checking = false

function init(args)
	checking = thread_id == 0
	for k = thread_id, #tokens * #ideas - 1, threads do
		mine[#mine + 1] = k
	end
	if #mine < 100 then
		error(string.format("thread %d has %d pairs (person, idea); it needs more than its connections in flight", thread_id, #mine))
	end
end

function request()
	local k = mine[n % #mine + 1]
	local method = "POST"
	if math.floor(n / #mine) % 2 == 1 then
		method = "DELETE"
	end
	if checking then
		checking = false
	else
		n = n + 1
	end
	local token, idea = tokens[k % #tokens + 1], ideas[math.floor(k / #tokens) + 1]
	return wrk.format(method, "/api/v1/ideas/" .. idea .. "/vote", {["Authorization"] = "Bearer " .. token})
end
