package patch

import (
	"net/http"
	"slices"
	"strconv"

	"steward.dev/steward/internal/platform/problem"
)

// Reasons CheckGraph names a reference; each is an i18n key worded to
// follow the field's name.
const (
	graphUnknown            = "patch.graph.unknown"
	graphSelf               = "patch.graph.self"
	graphCycle              = "patch.graph.cycle"
	graphRequiresWithdrawn  = "patch.graph.requires_withdrawn"
	graphRequiredSuperseded = "patch.graph.required_and_superseded"
	graphConflictsRequired  = "patch.graph.conflicts_required"
)

// graphInvalid is the error CheckGraph returns: 422, since each reference
// is well formed on its own and only the product's other patches make it
// wrong.
var graphInvalid = problem.New(http.StatusUnprocessableEntity, "patch.invalid")

// CheckGraph validates a patch n, new or changed, against the other patches
// of its product before it is stored or published; others may include n's
// stored row (same number), which n replaces. It returns nil or a
// *problem.Error 422 "patch.invalid" whose Fields name each bad entry
// ("requires[1]", "supersedes[0]", "conflicts_with[2]") with the reason:
//   - a number the product has no patch for;
//   - the patch itself;
//   - a withdrawn patch among requires (require the patch replacing it);
//   - a patch both required and superseded (a cumulative patch contains
//     what it supersedes, so it cannot need it installed first);
//   - a patch both required and declared a conflict;
//   - a reference that closes a cycle through requires and/or supersedes:
//     the error's Extra "cycle" lists the numbers around it, starting and
//     ending with n's ("PT-3", "PT-1", "PT-3"). Only cycles through n are
//     reported, so old data with a cycle elsewhere never stops an unrelated
//     change; MakePlan copes with those.
func CheckGraph(others []Node, n Node) error {
	g := graphOf(others, n)
	var bad problem.Invalid
	lists := []struct {
		field   string
		numbers []string
	}{{"requires", n.Requires}, {"supersedes", n.Supersedes}, {"conflicts_with", n.ConflictsWith}}
	for _, l := range lists {
		for i, number := range l.numbers {
			at := l.field + "[" + strconv.Itoa(i) + "]"
			other, known := g[number]
			switch {
			case number == n.Number:
				bad.Add(at, graphSelf)
			case !known:
				bad.Add(at, graphUnknown)
			case l.field == "requires" && other.Status == Withdrawn:
				bad.Add(at, graphRequiresWithdrawn)
			case l.field == "supersedes" && slices.Contains(n.Requires, number):
				bad.Add(at, graphRequiredSuperseded)
			case l.field == "conflicts_with" && slices.Contains(n.Requires, number):
				bad.Add(at, graphConflictsRequired)
			}
		}
	}
	cycle, at := g.cycleThrough(n)
	if cycle != nil {
		bad.Add(at, graphCycle)
	}
	err := bad.Err()
	if err == nil {
		return nil
	}
	pe, _ := problem.As(err)
	out := *graphInvalid
	out.Fields = pe.Fields
	if cycle != nil {
		out.Extra = map[string]any{"cycle": cycle}
	}
	return &out
}

// graph is a product's patches by number.
type graph map[string]*Node

func graphOf(others []Node, n Node) graph {
	g := make(graph, len(others)+1)
	for i := range others {
		if _, dup := g[others[i].Number]; !dup {
			g[others[i].Number] = &others[i]
		}
	}
	g[n.Number] = &n
	return g
}

// cycleThrough finds the shortest way from n back to itself along requires
// and supersedes, breadth first. It returns the numbers on it, from n to n,
// and the field entry of n where it starts; nil when there is none.
func (g graph) cycleThrough(n Node) (cycle []string, field string) {
	type step struct {
		from  string // previous number on the way
		field string // n's entry the way started with
	}
	came := map[string]step{}
	var queue []string
	follow := func(from string, field string, to []string) bool {
		for _, number := range to {
			if _, seen := came[number]; seen {
				continue
			}
			if _, known := g[number]; !known {
				continue
			}
			came[number] = step{from, field}
			if number == n.Number {
				return true
			}
			queue = append(queue, number)
		}
		return false
	}
	start := func(name string, numbers []string) bool {
		for i, number := range numbers {
			if number == n.Number {
				continue // named as graphSelf already
			}
			if follow(n.Number, name+"["+strconv.Itoa(i)+"]", []string{number}) {
				return true
			}
		}
		return false
	}
	found := start("requires", n.Requires) || start("supersedes", n.Supersedes)
	for ; !found && len(queue) > 0; queue = queue[1:] {
		number := queue[0]
		at := came[number].field
		found = follow(number, at, g[number].Requires) || follow(number, at, g[number].Supersedes)
	}
	if !found {
		return nil, ""
	}
	cycle = []string{n.Number}
	for at := came[n.Number].from; at != n.Number; at = came[at].from {
		cycle = append(cycle, at)
	}
	cycle = append(cycle, n.Number)
	slices.Reverse(cycle)
	return cycle, came[n.Number].field
}
