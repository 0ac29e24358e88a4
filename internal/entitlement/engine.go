package entitlement

import (
	"slices"
	"time"

	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/contract"
	"steward.dev/steward/internal/lifecycle"
	"steward.dev/steward/internal/platform/clock"
)

// LifecycleLookup finds a product version on the lifecycle table.
type LifecycleLookup func(product, version string) (lifecycle.Version, bool)

// UsageLookup tells how much of a quota item the organisation used in the
// period starting on periodStart (YYYY-MM-DD), and how much extra allowance
// vendor staff granted for it.
type UsageLookup func(service, periodStart string) (used, granted int)

// Input is everything the engine looks at; Evaluate does no I/O.
type Input struct {
	Region    string              // the organisation's region (ISO 3166-1 alpha-2)
	Catalog   catalog.Version     // the catalog version in effect at At
	Contracts []contract.Contract // the organisation's contracts, terminated ones included
	Lifecycle LifecycleLookup     // nil: no version is known
	Usage     UsageLookup         // nil: nothing used, nothing granted
	At        time.Time

	today string // At's Beijing day, when the caller has it already
}

// DefaultRegions are where an item applies when it names no regions: the
// seed's mainland China, Hong Kong and Macau.
var DefaultRegions = []string{"CN", "HK", "MO"}

// rank orders the statuses, best first.
func rank(s Status) int {
	switch s {
	case Active:
		return 0
	case NotYetActive:
		return 1
	case Expired:
		return 2
	case NotEntitled:
		return 3
	default:
		return 4
	}
}

// term is one live contract with its validity worked out once per evaluation.
type term struct {
	c        *contract.Contract
	from     string // first day, YYYY-MM-DD Beijing
	until    string // last day; "" when the perpetual version is unknown
	after    string // the day after until: where a renewal without a gap starts
	dates    Status // Active, NotYetActive or Expired by the dates alone
	unknown  bool   // perpetual contract whose version the lifecycle table lacks
	lifetime bool   // perpetual: valid until the version's end of standard service
}

type prepared struct {
	in     Input
	today  string
	terms  []term
	future bool     // some contract has not started yet
	ids    []string // one backing array for every item's contract ids
	memo   []reasonMemo
}

func prepare(in Input) prepared {
	p := prepared{in: in, today: in.today}
	if p.today == "" {
		p.today = clock.BeijingDate(in.At)
	}
	p.terms = make([]term, 0, len(in.Contracts))
	for i := range in.Contracts {
		c := &in.Contracts[i]
		if c.Status == contract.Terminated {
			continue // a terminated contract grants nothing
		}
		t := term{c: c, from: c.StartsOn, until: c.EndsOn}
		if c.Deployment == catalog.PrivateCloudPerpetual {
			t.lifetime = true
			t.until = ""
			var v lifecycle.Version
			ok := false
			if in.Lifecycle != nil {
				v, ok = in.Lifecycle(c.Product, c.Version)
			}
			if ok && v.StandardSupportUntil != "" {
				t.until = v.StandardSupportUntil
			} else {
				t.unknown = true
			}
		}
		// YYYY-MM-DD compares as text in calendar order, and both ends are
		// whole Beijing days: the contract is active from 00:00 +08:00 of its
		// first day until 00:00 +08:00 after its last.
		switch {
		case p.today < t.from:
			t.dates = NotYetActive
		case t.until != "" && p.today > t.until:
			t.dates = Expired
		default:
			t.dates = Active
		}
		if t.dates == NotYetActive {
			p.future = true
		}
		p.terms = append(p.terms, t)
	}
	if p.future {
		for i := range p.terms {
			p.terms[i].after = nextDay(p.terms[i].until)
		}
	}
	return p
}

// idsFor returns an empty slice for one item's contract ids, carved from a
// buffer shared by the items of one evaluation.
func (p *prepared) idsFor(items int) []string {
	n := len(p.terms)
	if n == 0 {
		return []string{}
	}
	if len(p.ids)+n > cap(p.ids) {
		p.ids = make([]string, 0, n*items)
	}
	start := len(p.ids)
	p.ids = p.ids[:start+n]
	return p.ids[start : start : start+n]
}

// Evaluate answers, for every item of the catalog version in effect, whether
// the organisation may use it at in.At and why (not).
func Evaluate(in Input) []Entitlement {
	p := prepare(in)
	out := make([]Entitlement, len(in.Catalog.Items))
	for i := range in.Catalog.Items {
		out[i] = p.item(&in.Catalog.Items[i], len(in.Catalog.Items)-i)
	}
	return out
}

// EvaluateOne answers for one item; false when the catalog has no such item.
func EvaluateOne(in Input, service string) (Entitlement, bool) {
	for i := range in.Catalog.Items {
		if in.Catalog.Items[i].Code == service {
			p := prepare(in)
			return p.item(&in.Catalog.Items[i], 1), true
		}
	}
	return Entitlement{}, false
}

// outcome is one contract's answer for one item.
type outcome struct {
	status Status
	reason string // the reason code of a refusal
}

// check runs the rules for one contract, in the order: region,
// deployment and overrides, then dates.
func (p *prepared) check(t *term, it *catalog.Item) outcome {
	added := slices.Contains(t.c.Overrides.Add, it.Code)
	if !added && !inRegions(it, p.in.Region) {
		return outcome{NotApplicableRegion, ReasonRegion}
	}
	if slices.Contains(t.c.Overrides.Remove, it.Code) {
		return outcome{NotEntitled, ReasonNotInContract}
	}
	if !added && !slices.Contains(it.AppliesTo, t.c.Deployment) {
		return outcome{NotEntitled, ReasonNotInContract}
	}
	if t.unknown {
		return outcome{NotEntitled, ReasonUnknownVersion}
	}
	switch t.dates {
	case NotYetActive:
		return outcome{NotYetActive, ReasonNotYetActive}
	case Expired:
		return outcome{Expired, ReasonExpired}
	}
	return outcome{Active, ""}
}

func hasReason(rs []Reason, code string) bool {
	for _, r := range rs {
		if r.Code == code {
			return true
		}
	}
	return false
}

func inRegions(it *catalog.Item, region string) bool {
	if len(it.Regions) == 0 {
		return slices.Contains(DefaultRegions, region)
	}
	return slices.Contains(it.Regions, region)
}

// maxTerms bounds the stack buffer of outcomes; organisations with more
// contracts than this fall back to the heap.
const maxTerms = 8

// item answers for one item; left is how many items remain to answer,
// itself included (to size the shared buffer of contract ids).
func (p *prepared) item(it *catalog.Item, left int) Entitlement {
	e := Entitlement{Service: it.Code, Name: it.Name, Delivered: it.DeliveredAt, Contracts: []string{}, Reasons: []Reason{}}
	var buf [maxTerms]outcome
	outs := buf[:0]
	best := NotEntitled
	if !inRegions(it, p.in.Region) {
		best = NotApplicableRegion // what an organisation without contracts gets
	}
	for i := range p.terms {
		o := p.check(&p.terms[i], it)
		outs = append(outs, o)
		if i == 0 || rank(o.status) < rank(best) {
			best = o.status
		}
	}
	e.Status = best

	// The granting contracts: those with the winning status when it is a
	// dated one. Their span is the validity.
	if best == Active || best == NotYetActive || best == Expired {
		var lastTerm *term
		e.Contracts = p.idsFor(left)
		for i := range p.terms {
			if outs[i].status != best {
				continue
			}
			t := &p.terms[i]
			e.Contracts = append(e.Contracts, t.c.ID)
			if e.ValidFrom == "" || t.from < e.ValidFrom {
				e.ValidFrom = t.from
			}
			if lastTerm == nil || t.until > lastTerm.until {
				lastTerm = t
			}
		}
		if best == Active && p.future {
			lastTerm = p.chain(outs, lastTerm, &e.Contracts)
		}
		e.ValidUntil = lastTerm.until
		e.Reasons = p.datedReasons(best, e.ValidFrom, e.ValidUntil, lastTerm)
		if limit, anchor, ok := p.quotaLimit(it, outs, best); ok {
			e.Quota = p.quota(it, limit, anchor)
			if best == Active && e.Quota.Remaining == 0 {
				e.Reasons = append(e.Reasons, quotaExhaustedReason(e.Quota))
			}
		}
		return e
	}

	// A refusal: the reasons of the contracts that share the winning status,
	// each code once; an organisation without live contracts gets the
	// status's own reason.
	for i, o := range outs {
		if o.status != best || hasReason(e.Reasons, o.reason) {
			continue
		}
		if o.reason == ReasonNotInContract && len(e.Reasons) == 0 {
			e.Reasons = notInContractReasons // shared; an append copies it (cap 1)
			continue
		}
		e.Reasons = append(e.Reasons, p.refusal(o.reason, it, p.terms[i].c))
	}
	if len(e.Reasons) == 0 {
		code := ReasonNotInContract
		if best == NotApplicableRegion {
			code = ReasonRegion
		}
		e.Reasons = append(e.Reasons, p.refusal(code, it, nil))
	}
	return e
}

// chain extends an active item's validity through contracts that grant it
// later and follow on without a gap (a renewal signed before the old term
// ends), so that the customer sees how long the service really lasts.
func (p *prepared) chain(outs []outcome, last *term, ids *[]string) *term {
	for {
		extended := false
		for i := range p.terms {
			t := &p.terms[i]
			if outs[i].status != NotYetActive || t.from > last.after || t.until <= last.until || slices.Contains(*ids, t.c.ID) {
				continue
			}
			last = t
			*ids = append(*ids, t.c.ID)
			extended = true
		}
		if !extended || last.after == "" {
			return last
		}
	}
}

// quotaLimit is the organisation's limit for a quota item: the largest among
// the contracts that grant it (overrides included), never their sum; and the
// anchor of its service year, the earliest start among every contract that
// includes the item, expired ones too, so that a renewal does not move it.
func (p *prepared) quotaLimit(it *catalog.Item, outs []outcome, best Status) (limit int, anchor string, ok bool) {
	for i := range p.terms {
		t := &p.terms[i]
		n, has := t.c.Overrides.Quota[it.Code]
		if !has {
			if it.Quota == nil {
				continue
			}
			n = it.Quota.Count
		}
		switch outs[i].status {
		case Active, NotYetActive, Expired:
		default:
			continue
		}
		if anchor == "" || t.from < anchor {
			anchor = t.from
		}
		if outs[i].status == best && (!ok || n > limit) {
			limit = n
			ok = true
		}
	}
	return limit, anchor, ok
}

func (p *prepared) quota(it *catalog.Item, limit int, anchor string) *QuotaState {
	period := catalog.ServiceYear
	if it.Quota != nil && it.Quota.Period != "" {
		period = it.Quota.Period
	}
	start, end := Period(period, anchor, p.today)
	q := &QuotaState{Limit: limit, PeriodStart: start, PeriodEnd: end}
	if p.in.Usage != nil {
		q.Used, q.Granted = p.in.Usage(it.Code, start)
	}
	q.Limit += q.Granted
	q.Remaining = max(0, q.Limit-q.Used)
	return q
}

// Period returns the quota period (first and last day, inclusive, Beijing
// dates) that contains the day today. A service year is a 12-month period
// counted from anchor (the earliest contract start); before the anchor the
// first period is returned. A calendar year runs from 1 January to 31
// December. A 29 February anchor counts from 1 March in other years.
func Period(kind, anchor, today string) (start, end string) {
	ty, tm, td, ok := parseDate(today)
	if !ok {
		return "", ""
	}
	if kind == catalog.CalendarYear {
		return formatDate(ty, 1, 1), formatDate(ty, 12, 31)
	}
	ay, am, ad, ok := parseDate(anchor)
	if !ok {
		ay, am, ad = ty, tm, td
	}
	years := 0
	if today >= anchor {
		years = ty - ay
		if tm < am || (tm == am && td < ad) {
			years--
		}
	}
	s := time.Date(ay+years, time.Month(am), ad, 0, 0, 0, 0, time.UTC)
	e := time.Date(ay+years+1, time.Month(am), ad, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	if s.Day() != ad { // 29 February in a common year: normalised to 1 March
		e = time.Date(ay+years+1, 3, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
		if isLeap(ay + years + 1) {
			e = time.Date(ay+years+1, 2, 28, 0, 0, 0, 0, time.UTC)
		}
	}
	return formatDate(s.Year(), int(s.Month()), s.Day()), formatDate(e.Year(), int(e.Month()), e.Day())
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// parseDate reads YYYY-MM-DD without the cost of time.Parse.
func parseDate(s string) (y, m, d int, ok bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	num := func(part string) int {
		n := 0
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, m, d = num(s[:4]), num(s[5:7]), num(s[8:])
	if y < 0 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// formatDate writes YYYY-MM-DD (years 0–9999).
func formatDate(y, m, d int) string {
	b := [10]byte{byte('0' + y/1000%10), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + d/10), byte('0' + d%10)}
	return string(b[:])
}

// nextDay returns the day after d (YYYY-MM-DD); "" stays "".
func nextDay(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 0, 1).Format(time.DateOnly)
}

// Until is the instant a validity ending on the day last (inclusive, Beijing)
// ends: 00:00 +08:00 of the next day.
func Until(last string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, last, clock.Shanghai)
	if err != nil {
		return time.Time{}, false
	}
	return t.AddDate(0, 0, 1), true
}
