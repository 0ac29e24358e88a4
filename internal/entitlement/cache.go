package entitlement

import (
	"sync"

	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/contract"
	"steward.dev/steward/internal/lifecycle"
)

// cache keeps in memory what Evaluate reads, so that answering needs no
// database round trip: the catalog version in effect per Beijing day, the
// lifecycle versions contracts name, each organisation's region and
// contracts, and each organisation's ledger sums. Each part is forgotten when
// its source changes (the sources' OnChange hooks on this instance, and
// LISTEN/NOTIFY from the others on PostgreSQL).
//
// A fill reads the database without the lock and stores its result only if
// no forget of that part happened meanwhile (the generation counters), so a
// change that commits during a fill is never hidden behind a stale copy.
type cache struct {
	mu       sync.RWMutex
	catalogs map[string]catalog.Version // Beijing day → version in effect
	versions map[versionKey]versionHit
	orgs     map[string]*orgEntry
	usage    map[string]map[usageKey]Usage // org → sums by service and period
	// results are whole answers: within a Beijing day an organisation's
	// answer depends on nothing else the cache does not hold, so it is kept
	// until any of its inputs is forgotten.
	results map[string]orgResult

	catalogGen, versionGen, orgGen, usageGen, resultGen uint64
}

// orgResult is an organisation's answer for one Beijing day.
type orgResult struct {
	day  string
	list []Entitlement
}

type versionKey struct{ product, name string }

type versionHit struct {
	v  lifecycle.Version
	ok bool
}

// orgEntry is what an organisation's evaluation needs besides the catalog.
type orgEntry struct {
	region    string
	contracts []contract.Contract
}

// maxOrgs bounds the per-organisation maps: past it they start over (a
// crude but safe bound; a real deployment holds far fewer active orgs).
const maxOrgs = 200_000

func newCache() *cache {
	c := &cache{}
	c.reset()
	return c
}

func (c *cache) reset() {
	c.catalogs = map[string]catalog.Version{}
	c.versions = map[versionKey]versionHit{}
	c.orgs = map[string]*orgEntry{}
	c.usage = map[string]map[usageKey]Usage{}
	c.results = map[string]orgResult{}
}

func (c *cache) result(orgID, day string) ([]Entitlement, bool, uint64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	r, ok := c.results[orgID]
	return r.list, ok && r.day == day, c.resultGen
}

func (c *cache) putResult(orgID, day string, list []Entitlement, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.resultGen {
		if len(c.results) >= maxOrgs {
			c.results = map[string]orgResult{}
		}
		c.results[orgID] = orgResult{day: day, list: list}
	}
}

// forgetResults drops answers; the caller holds the lock. An org of ""
// drops every organisation's.
func (c *cache) forgetResults(orgID string) {
	if orgID == "" {
		c.results = map[string]orgResult{}
	} else {
		delete(c.results, orgID)
	}
	c.resultGen++
}

func (c *cache) catalog(day string) (catalog.Version, bool, uint64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.catalogs[day]
	return v, ok, c.catalogGen
}

func (c *cache) putCatalog(day string, v catalog.Version, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.catalogGen {
		if len(c.catalogs) > 1000 {
			c.catalogs = map[string]catalog.Version{}
		}
		c.catalogs[day] = v
	}
}

func (c *cache) org(orgID string) (*orgEntry, uint64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.orgs[orgID], c.orgGen
}

func (c *cache) putOrg(orgID string, e *orgEntry, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.orgGen {
		if len(c.orgs) >= maxOrgs {
			c.orgs = map[string]*orgEntry{}
		}
		c.orgs[orgID] = e
	}
}

// versionSet is the lifecycle versions one evaluation reads.
type versionSet map[versionKey]versionHit

// lookup is the engine's LifecycleLookup.
func (vs versionSet) lookup(product, name string) (lifecycle.Version, bool) {
	h := vs[versionKey{product, name}]
	return h.v, h.ok
}

// versionsOf returns the cached versions of the perpetual contracts and
// those not cached yet. The evaluation reads its own copy, so that a forget
// between the fill and the evaluation (another instance's notice arriving)
// cannot make a version look unknown.
func (c *cache) versionsOf(cs []contract.Contract) (versionSet, []versionKey, uint64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	have := versionSet{}
	var missing []versionKey
	for i := range cs {
		if cs[i].Deployment != catalog.PrivateCloudPerpetual {
			continue
		}
		k := versionKey{cs[i].Product, cs[i].Version}
		if h, ok := c.versions[k]; ok {
			have[k] = h
		} else {
			missing = append(missing, k)
		}
	}
	return have, missing, c.versionGen
}

func (c *cache) putVersion(k versionKey, h versionHit, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.versionGen {
		if len(c.versions) >= maxOrgs {
			c.versions = map[versionKey]versionHit{}
		}
		c.versions[k] = h
	}
}

func (c *cache) orgUsage(orgID string) (map[usageKey]Usage, bool, uint64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	u, ok := c.usage[orgID]
	return u, ok, c.usageGen
}

func (c *cache) putUsage(orgID string, u map[usageKey]Usage, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.usageGen {
		if len(c.usage) >= maxOrgs {
			c.usage = map[string]map[usageKey]Usage{}
		}
		c.usage[orgID] = u
	}
}

func (c *cache) forgetCatalog() {
	c.mu.Lock()
	c.catalogs = map[string]catalog.Version{}
	c.catalogGen++
	c.forgetResults("")
	c.mu.Unlock()
}

func (c *cache) forgetVersions() {
	c.mu.Lock()
	c.versions = map[versionKey]versionHit{}
	c.versionGen++
	c.forgetResults("")
	c.mu.Unlock()
}

func (c *cache) forgetOrg(orgID string) {
	c.mu.Lock()
	delete(c.orgs, orgID)
	c.orgGen++
	c.forgetResults(orgID)
	c.mu.Unlock()
}

func (c *cache) forgetUsage(orgID string) {
	c.mu.Lock()
	delete(c.usage, orgID)
	c.usageGen++
	c.forgetResults(orgID)
	c.mu.Unlock()
}

func (c *cache) forgetAll() {
	c.mu.Lock()
	c.reset()
	c.catalogGen++
	c.versionGen++
	c.orgGen++
	c.usageGen++
	c.resultGen++
	c.mu.Unlock()
}

// usageLookup is the engine's UsageLookup over one organisation's sums.
type usageLookup map[usageKey]Usage

func (u usageLookup) lookup(service, periodStart string) (used, granted int) {
	s := u[usageKey{service, periodStart}]
	return s.Used, s.Granted
}
