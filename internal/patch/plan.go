package patch

import (
	"cmp"
	"slices"
	"time"
)

// Node is what planning needs of one patch of one product. References to
// other patches are patch numbers ("PT-2025-0012"), so a reference to a
// number the product does not have survives until someone looks at it.
type Node struct {
	ID, Number    string
	Status        string // Draft, Published or Withdrawn
	AppliesTo     AppliesTo
	Requires      []string // prerequisites: installed before this one
	Supersedes    []string // patches this cumulative one contains
	ConflictsWith []string // patches that must not be installed together with this one
	PublishedAt   time.Time
}

// Plan is what to install on one version of a product, given what is
// installed already: the answer to "what should I install, in which order?".
type Plan struct {
	Steps     []Step     `json:"steps"`     // installation order
	Conflicts []Conflict `json:"conflicts"` // declared incompatibilities among the steps and the installed patches
	Blocked   []Blocked  `json:"blocked"`   // applicable patches that cannot be installed, with why
}

// Step is one patch to install.
type Step struct {
	ID         string   `json:"id"`
	Number     string   `json:"number"`
	Replaces   []string `json:"replaces,omitempty"`    // applicable patches this cumulative one stands in for
	RequiredBy []string `json:"required_by,omitempty"` // later steps that need this one first
}

// Conflict names two patches declared incompatible (by either of them).
// Number is a step; With is a later step, or an installed patch when
// Installed is set.
type Conflict struct {
	Number    string `json:"number"`
	With      string `json:"with"`
	Installed bool   `json:"installed"`
}

// Blocked is an applicable patch that cannot be installed. Reason is an
// i18n key; Missing names every prerequisite that cannot be had.
type Blocked struct {
	Number  string   `json:"number"`
	Reason  string   `json:"reason"`
	Missing []string `json:"missing"`
}

// Reasons a patch is blocked, gravest first: a blocked patch shows the
// gravest reason among its prerequisites.
const (
	blockedWithdrawn     = "patch.plan.requires_withdrawn"      // a prerequisite was withdrawn
	blockedMissing       = "patch.plan.requires_missing"        // a prerequisite is unknown or not published
	blockedNotApplicable = "patch.plan.requires_not_applicable" // a prerequisite does not apply to this version
	blockedCycle         = "patch.plan.requires_cycle"          // prerequisites that require each other (old data)
	blockedByBlocked     = "patch.plan.requires_blocked"        // a prerequisite is blocked itself
)

var gravity = map[string]int{blockedWithdrawn: 0, blockedMissing: 1, blockedNotApplicable: 2, blockedCycle: 3, blockedByBlocked: 4}

// MakePlan answers which published patches of one product apply to version
// and are not yet installed, in installation order. nodes are all the
// product's patches in any status and order; installed are the numbers on
// the customer's system.
//
//   - Candidates are the published patches whose AppliesTo matches version
//     and that are neither installed nor superseded, directly or through
//     others, by an installed patch: installing a cumulative patch
//     installs everything it supersedes. A version that is not ValidVersion
//     has no candidates.
//   - A candidate superseded (directly or transitively) by another
//     installable candidate is not a step of its own: the cumulative patch
//     lists it in Replaces, and a requirement on it is met by the cumulative
//     patch. When the cumulative patch itself is blocked, the patches it
//     would have replaced are planned on their own instead.
//   - Prerequisites come before their dependants. Steps are taken in order
//     of publication (then number); a step first pulls in its prerequisites
//     that are not installed, even those published after it. The plan is the
//     same for the same input.
//   - Withdrawn and draft patches are never steps. A candidate that requires
//     a withdrawn, unknown, unpublished or non-applicable patch that no
//     installable candidate or installed patch supersedes is Blocked with
//     the reason and the missing numbers, and so is every candidate that
//     needs it.
//   - A conflict declared by either side between two steps, or between a
//     step and an installed patch, is listed in Conflicts with both numbers;
//     the steps stay in the plan, since the person installing decides.
//   - Stored data may hold cycles from before CheckGraph refused them: a
//     supersession cycle is broken at its oldest edge (the newest patch of
//     the cycle is the cumulative one), and candidates that require each
//     other in a circle are Blocked as patch.plan.requires_cycle. Every pass
//     over the patches is linear and marks what it visited, so a plan
//     always finishes.
func MakePlan(nodes []Node, version string, installed []string) Plan {
	p := newPlanner(nodes, version, installed)
	held := map[int]Blocked{} // cumulative patches found blocked in earlier rounds
	for {
		r := p.round(held)
		blockedCumulative := false
		for s, b := range r.failed {
			if len(r.replaces[s]) > 0 {
				held[s], blockedCumulative = b, true
			}
		}
		// A blocked cumulative patch hid the patches it supersedes: plan
		// again without it, so that they are offered on their own. Each
		// round holds back at least one more patch, so this ends.
		if !blockedCumulative {
			return p.plan(r, held)
		}
	}
}

// planner holds what a plan needs of the nodes, indexed by position.
type planner struct {
	nodes      []Node
	index      map[string]int // number → node
	rank       []int          // position in order of publication, then number
	byRank     []int          // nodes in that order
	supersedes [][]int        // resolved supersession edges without those that close a cycle
	installed  map[string]bool
	covered    []bool // installed, or superseded by an installed patch
	candidate  []bool
	required   []bool // required by a candidate
}

func newPlanner(nodes []Node, version string, installed []string) *planner {
	p := &planner{nodes: nodes, index: make(map[string]int, len(nodes)), installed: make(map[string]bool, len(installed))}
	for i, n := range nodes {
		if _, dup := p.index[n.Number]; !dup {
			p.index[n.Number] = i
		}
	}
	p.byRank = make([]int, len(nodes))
	for i := range p.byRank {
		p.byRank[i] = i
	}
	slices.SortFunc(p.byRank, func(a, b int) int {
		x, y := &nodes[a], &nodes[b]
		return cmp.Or(x.PublishedAt.Compare(y.PublishedAt), cmp.Compare(x.Number, y.Number), cmp.Compare(x.ID, y.ID), cmp.Compare(a, b))
	})
	p.rank = make([]int, len(nodes))
	for r, i := range p.byRank {
		p.rank[i] = r
	}
	p.supersedes = p.resolveSupersedes()
	p.covered = make([]bool, len(nodes))
	var todo []int
	for _, number := range installed {
		p.installed[number] = true
		if i, ok := p.index[number]; ok {
			todo = append(todo, i)
		}
	}
	markReachable(p.supersedes, todo, p.covered) // before dropCycles: an installed patch covers all it declares
	dropCycles(p.supersedes, p.byRank)
	v, valid := parseVersion(version)
	p.candidate = make([]bool, len(nodes))
	p.required = make([]bool, len(nodes))
	for i := range nodes {
		n := &nodes[i]
		p.candidate[i] = valid && n.Status == Published && !p.covered[i] && n.AppliesTo.matches(v)
		if p.candidate[i] {
			for _, number := range n.Requires {
				if j, ok := p.index[number]; ok {
					p.required[j] = true
				}
			}
		}
	}
	return p
}

// resolveSupersedes turns every node's supersedes into node positions, in
// one allocation for all, leaving out unknown numbers.
func (p *planner) resolveSupersedes() [][]int {
	total := 0
	for i := range p.nodes {
		total += len(p.nodes[i].Supersedes)
	}
	flat := make([]int, 0, total)
	out := make([][]int, len(p.nodes))
	for i := range p.nodes {
		start := len(flat)
		for _, number := range p.nodes[i].Supersedes {
			if j, ok := p.index[number]; ok {
				flat = append(flat, j)
			}
		}
		out[i] = flat[start:len(flat):len(flat)]
	}
	return out
}

// dropCycles removes the edges that close a cycle, found by a depth-first
// walk that starts from the newest node, so that in a cycle the newest
// patch keeps superseding and the edge back to it is dropped.
func dropCycles(edges [][]int, byRank []int) {
	const (
		white = iota // not walked yet
		grey         // on the walk's path
		black        // walked with everything below it
	)
	state := make([]uint8, len(edges))
	var visit func(i int)
	visit = func(i int) {
		state[i] = grey
		kept := edges[i][:0] // filtered in place: writes never overtake reads
		for _, j := range edges[i] {
			if state[j] == grey {
				continue
			}
			if state[j] == white {
				visit(j)
			}
			kept = append(kept, j)
		}
		edges[i] = kept
		state[i] = black
	}
	for r := len(byRank) - 1; r >= 0; r-- {
		if state[byRank[r]] == white {
			visit(byRank[r])
		}
	}
}

// markReachable marks from and everything reachable from it.
func markReachable(edges [][]int, from []int, mark []bool) {
	for len(from) > 0 {
		i := from[len(from)-1]
		from = from[:len(from)-1]
		if mark[i] {
			continue
		}
		mark[i] = true
		from = append(from, edges[i]...)
	}
}

// round is one attempt at a plan, with the cumulative patches held back.
type round struct {
	step      []bool
	replaces  [][]int // step → candidates it stands in for, by rank
	replacers [][]int // node below a step's supersession edges → steps that stand in for it
	order     []int   // installable steps, in installation order
	needs     [][]int // step → installable steps it needs first
	failed    map[int]Blocked
}

func (p *planner) round(held map[int]Blocked) *round {
	n := len(p.nodes)
	r := &round{step: make([]bool, n), replaces: make([][]int, n), replacers: make([][]int, n),
		needs: make([][]int, n), failed: map[int]Blocked{}}
	// A candidate that another installable candidate supersedes is no step.
	superseded := make([]bool, n)
	var from []int
	for i := range p.nodes {
		if p.available(i, held) {
			from = append(from, p.supersedes[i]...)
		}
	}
	markReachable(p.supersedes, from, superseded)
	for i := range p.nodes {
		r.step[i] = p.available(i, held) && !superseded[i]
	}
	w := walk{seen: make([]int, n)}
	for _, s := range p.byRank {
		if r.step[s] {
			p.collectReplaced(r, s, &w)
		}
	}
	o := orderer{planner: p, round: r, state: make([]uint8, n), cycle: make([]bool, n)}
	for _, s := range p.byRank {
		if r.step[s] {
			o.visit(s)
		}
	}
	return r
}

func (p *planner) available(i int, held map[int]Blocked) bool {
	_, blocked := held[i]
	return p.candidate[i] && !blocked
}

// walk is the memory the walks below each step share.
type walk struct {
	seen []int // step+1 that last walked through the node
	todo []int
}

// collectReplaced walks the supersession edges below step s and records
// the patches it stands in for: the required ones as met by s, the
// candidates as what s replaces in the plan.
func (p *planner) collectReplaced(r *round, s int, w *walk) {
	w.todo = append(w.todo[:0], p.supersedes[s]...)
	for len(w.todo) > 0 {
		i := w.todo[len(w.todo)-1]
		w.todo = w.todo[:len(w.todo)-1]
		if w.seen[i] == s+1 || p.covered[i] {
			continue
		}
		w.seen[i] = s + 1
		if p.required[i] {
			r.replacers[i] = append(r.replacers[i], s)
		}
		if p.candidate[i] {
			r.replaces[s] = append(r.replaces[s], i)
		}
		w.todo = append(w.todo, p.supersedes[i]...)
	}
	slices.SortFunc(r.replaces[s], func(a, b int) int { return cmp.Compare(p.rank[a], p.rank[b]) })
}

// orderer puts the steps of a round in installation order: a depth-first
// walk through the prerequisites that appends a step after them.
type orderer struct {
	*planner
	*round
	state []uint8 // unseen, open (on the walk's path), installable, blocked
	path  []int
	cycle []bool // on a circle of prerequisites
}

const (
	unseen uint8 = iota
	open
	installable
	blocked
)

func (o *orderer) visit(s int) bool {
	switch o.state[s] {
	case installable:
		return true
	case blocked:
		return false
	}
	o.state[s] = open
	o.path = append(o.path, s)
	reason, missing := "", []string(nil)
	var needs []int
	for _, number := range o.nodes[s].Requires {
		why, from := o.requirement(s, number)
		if why == "" {
			needs = append(needs, from...)
			continue
		}
		if !slices.Contains(missing, number) {
			missing = append(missing, number)
		}
		if reason == "" || gravity[why] < gravity[reason] {
			reason = why
		}
	}
	o.path = o.path[:len(o.path)-1]
	if reason != "" {
		if o.cycle[s] && gravity[reason] > gravity[blockedCycle] {
			reason = blockedCycle
		}
		o.state[s] = blocked
		o.failed[s] = Blocked{Number: o.nodes[s].Number, Reason: reason, Missing: missing}
		return false
	}
	o.state[s] = installable
	o.order = append(o.order, s)
	o.needs[s] = needs
	return true
}

// requirement says how step s gets the patch number it requires: nothing
// to do (installed), the installable steps that provide it, or the reason
// it cannot be had.
func (o *orderer) requirement(s int, number string) (reason string, from []int) {
	i, known := o.index[number]
	switch {
	case o.installed[number] || known && o.covered[i]:
		return "", nil
	case !known:
		return blockedMissing, nil
	}
	providers := o.replacers[i]
	if o.step[i] {
		providers = []int{i}
	}
	if slices.Contains(providers, s) {
		return "", nil // s itself contains it
	}
	if len(providers) == 0 {
		return o.unavailable(i), nil
	}
	providers = slices.Clone(providers)
	slices.SortFunc(providers, func(a, b int) int { return cmp.Compare(o.rank[a], o.rank[b]) })
	reason = blockedByBlocked
	for _, q := range providers {
		if o.state[q] == open {
			o.markCycle(q)
			reason = blockedCycle
			continue
		}
		if o.visit(q) {
			from = append(from, q)
		}
	}
	if len(from) > 0 {
		return "", from
	}
	return reason, nil
}

// unavailable is why node i, which no step provides, cannot be had.
func (o *orderer) unavailable(i int) string {
	n := &o.nodes[i]
	switch {
	case n.Status == Withdrawn:
		return blockedWithdrawn
	case n.Status != Published:
		return blockedMissing
	case !o.candidate[i]:
		return blockedNotApplicable
	}
	return blockedByBlocked // a candidate held back as blocked
}

// markCycle marks the steps on the path from q, which is on it, to the top.
func (o *orderer) markCycle(q int) {
	for k := len(o.path) - 1; k >= 0; k-- {
		o.cycle[o.path[k]] = true
		if o.path[k] == q {
			return
		}
	}
}

// plan writes the final round as the answer.
func (p *planner) plan(r *round, held map[int]Blocked) Plan {
	out := Plan{Steps: make([]Step, 0, len(r.order)), Conflicts: []Conflict{}, Blocked: []Blocked{}}
	position := make([]int, len(p.nodes)) // in the plan; -1 for no step
	for i := range position {
		position[i] = -1
	}
	requiredBy := make([][]string, len(p.nodes))
	for k, s := range r.order {
		position[s] = k
		for _, q := range r.needs[s] {
			if by := requiredBy[q]; len(by) == 0 || by[len(by)-1] != p.nodes[s].Number {
				requiredBy[q] = append(by, p.nodes[s].Number)
			}
		}
	}
	for _, s := range r.order {
		out.Steps = append(out.Steps, Step{ID: p.nodes[s].ID, Number: p.nodes[s].Number,
			Replaces: p.numbers(r.replaces[s]), RequiredBy: requiredBy[s]})
	}
	// A patch held back stays blocked: it was a step, so nothing available
	// then superseded it, and later rounds have fewer patches available.
	for _, i := range p.byRank {
		if b, failed := r.failed[i]; failed {
			out.Blocked = append(out.Blocked, b)
		} else if b, failed := held[i]; failed {
			out.Blocked = append(out.Blocked, b)
		}
	}
	out.Conflicts = p.conflicts(r.order, position)
	return out
}

func (p *planner) numbers(nodes []int) []string {
	if len(nodes) == 0 {
		return nil
	}
	out := make([]string, len(nodes))
	for k, i := range nodes {
		out[k] = p.nodes[i].Number
	}
	return out
}

// conflicts lists the declared conflicts among the steps and between a
// step and an installed patch, each pair once, in the order of the plan.
func (p *planner) conflicts(order []int, position []int) []Conflict {
	type pair struct {
		step, other int // other: a later step's position, or -1 for an installed patch
		with        string
	}
	var pairs []pair
	seen := map[pair]bool{}
	add := func(s int, with string) {
		x := pair{position[s], -1, with}
		if j, ok := p.index[with]; ok && !p.installed[with] {
			k := position[j]
			if k < 0 || j == s {
				return
			}
			x = pair{min(position[s], k), max(position[s], k), ""}
		} else if !p.installed[with] {
			return
		}
		if !seen[x] {
			seen[x] = true
			pairs = append(pairs, x)
		}
	}
	for _, s := range order {
		for _, with := range p.nodes[s].ConflictsWith {
			add(s, with)
		}
	}
	for number := range p.installed {
		i, ok := p.index[number]
		if !ok {
			continue
		}
		for _, with := range p.nodes[i].ConflictsWith {
			if j, ok := p.index[with]; ok && position[j] >= 0 {
				add(j, number)
			}
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		return cmp.Or(cmp.Compare(a.step, b.step), cmp.Compare(a.other, b.other), cmp.Compare(a.with, b.with))
	})
	out := make([]Conflict, len(pairs))
	for k, x := range pairs {
		out[k] = Conflict{Number: p.nodes[order[x.step]].Number, Installed: x.other < 0, With: x.with}
		if x.other >= 0 {
			out[k].With = p.nodes[order[x.other]].Number
		}
	}
	return out
}
