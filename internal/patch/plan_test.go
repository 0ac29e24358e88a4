package patch

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/platform/i18n"
)

// p is a patch in a test table; day is its publication day, applies its
// applicability ("" is ">=8.0 <9").
type p struct {
	number, status, applies            string
	day                                int
	requires, supersedes, conflictWith []string
}

func (x p) node(t testing.TB) Node {
	applies := x.applies
	if applies == "" {
		applies = ">=8.0 <9"
	}
	a, err := ParseAppliesTo(applies)
	if err != nil {
		t.Fatal(err)
	}
	status := x.status
	if status == "" {
		status = Published
	}
	return Node{ID: "id-" + x.number, Number: x.number, Status: status, AppliesTo: a, Requires: x.requires,
		Supersedes: x.supersedes, ConflictsWith: x.conflictWith, PublishedAt: time.Date(2025, 1, x.day, 9, 0, 0, 0, time.UTC)}
}

func list(s ...string) []string { return s }

func steps(numbers ...string) []Step {
	out := []Step{}
	for _, n := range numbers {
		out = append(out, Step{Number: n})
	}
	return out
}

func TestPlanAnswersWhatToInstallInWhichOrder(t *testing.T) {
	tests := []struct {
		name      string
		patches   []p
		version   string // "" is 8.1
		installed []string
		want      Plan
	}{{
		name:    "applicable published patches are listed in order of publication",
		patches: []p{{number: "PT-2", day: 2}, {number: "PT-1", day: 1}, {number: "PT-9", day: 3, applies: ">=9.0"}},
		want:    Plan{Steps: steps("PT-1", "PT-2")},
	}, {
		name:    "versions compare numerically, so a patch for 8.10 and later does not apply to 8.9",
		patches: []p{{number: "PT-1", day: 1, applies: ">=8.10"}, {number: "PT-2", day: 2, applies: "8.9 || >=9"}},
		version: "8.9",
		want:    Plan{Steps: steps("PT-2")},
	}, {
		name:    "patches published the same moment are listed by number",
		patches: []p{{number: "PT-B", day: 1}, {number: "PT-A", day: 1}},
		want:    Plan{Steps: steps("PT-A", "PT-B")},
	}, {
		name:      "installed patches are left out",
		patches:   []p{{number: "PT-1", day: 1}, {number: "PT-2", day: 2}},
		installed: list("PT-1"),
		want:      Plan{Steps: steps("PT-2")},
	}, {
		name: "what an installed cumulative patch supersedes, also through others, is left out",
		patches: []p{{number: "PT-1", day: 1}, {number: "PT-2", day: 2}, {number: "PT-3", day: 3},
			{number: "PT-4", day: 4, supersedes: list("PT-2")}, {number: "PT-5", day: 5, supersedes: list("PT-4"), applies: ">=9"}},
		installed: list("PT-5"),
		want:      Plan{Steps: steps("PT-1", "PT-3")},
	}, {
		name: "a cumulative patch stands in for the patches it supersedes, also through others",
		patches: []p{{number: "PT-1", day: 1}, {number: "PT-2", day: 2}, {number: "PT-3", day: 3, supersedes: list("PT-2")},
			{number: "PT-4", day: 4, supersedes: list("PT-3", "PT-1")}, {number: "PT-5", day: 5}},
		want: Plan{Steps: []Step{{Number: "PT-4", Replaces: list("PT-1", "PT-2", "PT-3")}, {Number: "PT-5"}}},
	}, {
		name:    "a cumulative patch that does not apply to the version hides nothing",
		patches: []p{{number: "PT-1", day: 1}, {number: "PT-2", day: 2, supersedes: list("PT-1"), applies: ">=9"}},
		want:    Plan{Steps: steps("PT-1")},
	}, {
		name: "a requirement on a superseded patch is met by the cumulative patch",
		patches: []p{{number: "PT-1", day: 1}, {number: "PT-2", day: 2, supersedes: list("PT-1")},
			{number: "PT-3", day: 3, requires: list("PT-1")}},
		want: Plan{Steps: []Step{{Number: "PT-2", Replaces: list("PT-1"), RequiredBy: list("PT-3")}, {Number: "PT-3"}}},
	}, {
		name: "a prerequisite published later is pulled in before the patch that needs it",
		patches: []p{{number: "PT-1", day: 1, requires: list("PT-3")}, {number: "PT-2", day: 2},
			{number: "PT-3", day: 3}},
		want: Plan{Steps: []Step{{Number: "PT-3", RequiredBy: list("PT-1")}, {Number: "PT-1"}, {Number: "PT-2"}}},
	}, {
		name: "a chain of prerequisites is installed from its start",
		patches: []p{{number: "PT-1", day: 1, requires: list("PT-2")}, {number: "PT-2", day: 2, requires: list("PT-3")},
			{number: "PT-3", day: 3}, {number: "PT-4", day: 4, requires: list("PT-1", "PT-3")}},
		want: Plan{Steps: []Step{{Number: "PT-3", RequiredBy: list("PT-2", "PT-4")}, {Number: "PT-2", RequiredBy: list("PT-1")},
			{Number: "PT-1", RequiredBy: list("PT-4")}, {Number: "PT-4"}}},
	}, {
		name: "an installed prerequisite, or one an installed patch supersedes, needs nothing",
		patches: []p{{number: "PT-1", day: 1}, {number: "PT-2", day: 2}, {number: "PT-3", day: 3, supersedes: list("PT-2")},
			{number: "PT-4", day: 4, requires: list("PT-1", "PT-2")}},
		installed: list("PT-1", "PT-3"),
		want:      Plan{Steps: steps("PT-4")},
	}, {
		name: "withdrawn and draft patches never appear",
		patches: []p{{number: "PT-1", day: 1, status: Withdrawn}, {number: "PT-2", day: 2, status: Draft},
			{number: "PT-3", day: 3}},
		want: Plan{Steps: steps("PT-3")},
	}, {
		name: "requiring a withdrawn patch blocks the patch and what needs it",
		patches: []p{{number: "PT-1", day: 1, status: Withdrawn}, {number: "PT-2", day: 2, requires: list("PT-1")},
			{number: "PT-3", day: 3, requires: list("PT-2")}, {number: "PT-4", day: 4}},
		want: Plan{Steps: steps("PT-4"), Blocked: []Blocked{
			{Number: "PT-2", Reason: "patch.plan.requires_withdrawn", Missing: list("PT-1")},
			{Number: "PT-3", Reason: "patch.plan.requires_blocked", Missing: list("PT-2")}}},
	}, {
		name: "requiring an unknown or unpublished patch blocks, naming every missing one with the gravest reason",
		patches: []p{{number: "PT-1", day: 1, status: Draft}, {number: "PT-2", day: 2, requires: list("PT-9")},
			{number: "PT-3", day: 3, requires: list("PT-1")}, {number: "PT-4", day: 4, status: Withdrawn},
			{number: "PT-5", day: 5, requires: list("PT-1", "PT-4")}},
		want: Plan{Steps: steps(), Blocked: []Blocked{
			{Number: "PT-2", Reason: "patch.plan.requires_missing", Missing: list("PT-9")},
			{Number: "PT-3", Reason: "patch.plan.requires_missing", Missing: list("PT-1")},
			{Number: "PT-5", Reason: "patch.plan.requires_withdrawn", Missing: list("PT-1", "PT-4")}}},
	}, {
		name: "requiring a patch for other versions blocks",
		patches: []p{{number: "PT-1", day: 1, applies: ">=9"}, {number: "PT-2", day: 2, requires: list("PT-1")},
			{number: "PT-3", day: 3}},
		want: Plan{Steps: steps("PT-3"), Blocked: []Blocked{
			{Number: "PT-2", Reason: "patch.plan.requires_not_applicable", Missing: list("PT-1")}}},
	}, {
		name: "a withdrawn prerequisite superseded by a published patch is met by that patch",
		patches: []p{{number: "PT-1", day: 1, status: Withdrawn}, {number: "PT-2", day: 2, requires: list("PT-1")},
			{number: "PT-3", day: 3, supersedes: list("PT-1")}},
		want: Plan{Steps: []Step{{Number: "PT-3", RequiredBy: list("PT-2")}, {Number: "PT-2"}}},
	}, {
		name: "a blocked patch superseded by an installable cumulative patch is not reported as blocked",
		patches: []p{{number: "PT-1", day: 1, status: Withdrawn}, {number: "PT-2", day: 2, requires: list("PT-1")},
			{number: "PT-3", day: 3, supersedes: list("PT-2")}},
		want: Plan{Steps: []Step{{Number: "PT-3", Replaces: list("PT-2")}}},
	}, {
		name: "a blocked cumulative patch leaves the patches it supersedes to be installed one by one",
		patches: []p{{number: "PT-1", day: 1}, {number: "PT-2", day: 2}, {number: "PT-8", day: 3, status: Withdrawn},
			{number: "PT-3", day: 4, supersedes: list("PT-1", "PT-2"), requires: list("PT-8")},
			{number: "PT-4", day: 5, requires: list("PT-2")}},
		want: Plan{Steps: []Step{{Number: "PT-1"}, {Number: "PT-2", RequiredBy: list("PT-4")}, {Number: "PT-4"}},
			Blocked: []Blocked{{Number: "PT-3", Reason: "patch.plan.requires_withdrawn", Missing: list("PT-8")}}},
	}, {
		name: "cumulative patches blocked one inside the other both stay blocked, and what they supersede is planned",
		patches: []p{{number: "PT-1", day: 1}, {number: "PT-W", day: 2, status: Withdrawn},
			{number: "PT-2", day: 3, supersedes: list("PT-1"), requires: list("PT-W")},
			{number: "PT-3", day: 4, supersedes: list("PT-2"), requires: list("PT-W")}},
		want: Plan{Steps: steps("PT-1"), Blocked: []Blocked{
			{Number: "PT-2", Reason: "patch.plan.requires_withdrawn", Missing: list("PT-W")},
			{Number: "PT-3", Reason: "patch.plan.requires_withdrawn", Missing: list("PT-W")}}},
	}, {
		name: "two cumulative patches superseding the same patch both stand in for it",
		patches: []p{{number: "PT-1", day: 1}, {number: "PT-2", day: 2, supersedes: list("PT-1")},
			{number: "PT-3", day: 3, supersedes: list("PT-1")}, {number: "PT-4", day: 4, requires: list("PT-1")}},
		want: Plan{Steps: []Step{{Number: "PT-2", Replaces: list("PT-1"), RequiredBy: list("PT-4")},
			{Number: "PT-3", Replaces: list("PT-1"), RequiredBy: list("PT-4")}, {Number: "PT-4"}}},
	}, {
		name: "a conflict between two steps is reported once with both numbers, and both stay",
		patches: []p{{number: "PT-1", day: 1, conflictWith: list("PT-2")}, {number: "PT-2", day: 2, conflictWith: list("PT-1")},
			{number: "PT-3", day: 3, conflictWith: list("PT-1", "PT-9")}},
		want: Plan{Steps: steps("PT-1", "PT-2", "PT-3"), Conflicts: []Conflict{
			{Number: "PT-1", With: "PT-2"}, {Number: "PT-1", With: "PT-3"}}},
	}, {
		name: "a conflict with an installed patch is reported whichever side declares it",
		patches: []p{{number: "PT-0", day: 1, conflictWith: list("PT-2")}, {number: "PT-2", day: 2},
			{number: "PT-3", day: 3, conflictWith: list("PT-0")}, {number: "PT-4", day: 4, conflictWith: list("OLD-7")}},
		installed: list("PT-0", "OLD-7"),
		want: Plan{Steps: steps("PT-2", "PT-3", "PT-4"), Conflicts: []Conflict{
			{Number: "PT-2", With: "PT-0", Installed: true}, {Number: "PT-3", With: "PT-0", Installed: true},
			{Number: "PT-4", With: "OLD-7", Installed: true}}},
	}, {
		name: "a conflict with a patch that is not installed and not in the plan is no conflict",
		patches: []p{{number: "PT-1", day: 1, conflictWith: list("PT-2", "PT-3")}, {number: "PT-2", day: 2, applies: ">=9"},
			{number: "PT-3", day: 3, status: Withdrawn}},
		want: Plan{Steps: steps("PT-1")},
	}, {
		name: "patches that require each other in stored data are blocked, with what needs them, and the rest is planned",
		patches: []p{{number: "PT-1", day: 1, requires: list("PT-2")}, {number: "PT-2", day: 2, requires: list("PT-1")},
			{number: "PT-3", day: 3, requires: list("PT-1")}, {number: "PT-4", day: 4}},
		want: Plan{Steps: steps("PT-4"), Blocked: []Blocked{
			{Number: "PT-1", Reason: "patch.plan.requires_cycle", Missing: list("PT-2")},
			{Number: "PT-2", Reason: "patch.plan.requires_cycle", Missing: list("PT-1")},
			{Number: "PT-3", Reason: "patch.plan.requires_blocked", Missing: list("PT-1")}}},
	}, {
		name: "patches that supersede each other in stored data: the newest stands in for the others",
		patches: []p{{number: "PT-1", day: 1, supersedes: list("PT-3")}, {number: "PT-2", day: 2, supersedes: list("PT-1")},
			{number: "PT-3", day: 3, supersedes: list("PT-2")}},
		want: Plan{Steps: []Step{{Number: "PT-3", Replaces: list("PT-1", "PT-2")}}},
	}, {
		name:    "a patch that requires what it supersedes, or itself, in stored data needs nothing more",
		patches: []p{{number: "PT-1", day: 1}, {number: "PT-2", day: 2, supersedes: list("PT-1"), requires: list("PT-1", "PT-2")}},
		want:    Plan{Steps: []Step{{Number: "PT-2", Replaces: list("PT-1")}}},
	}, {
		name:    "a version that is not a version gets an empty plan",
		patches: []p{{number: "PT-1", day: 1}},
		version: "8.x",
		want:    Plan{Steps: steps()},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var nodes []Node
			for _, x := range tt.patches {
				nodes = append(nodes, x.node(t))
			}
			version := tt.version
			if version == "" {
				version = "8.1"
			}
			got := MakePlan(nodes, version, tt.installed)
			for i, s := range got.Steps {
				if s.ID != "id-"+s.Number {
					t.Errorf("step %s has id %q", s.Number, s.ID)
				}
				got.Steps[i].ID = ""
			}
			want := tt.want
			if want.Conflicts == nil {
				want.Conflicts = []Conflict{}
			}
			if want.Blocked == nil {
				want.Blocked = []Blocked{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("plan for %s with %v installed:\n got %s\nwant %s", version, tt.installed, show(got), show(want))
			}
			for _, b := range got.Blocked {
				if !i18n.Has(b.Reason) {
					t.Errorf("reason %s has no message in every language", b.Reason)
				}
			}
		})
	}
}

func show(p Plan) string {
	raw, _ := json.Marshal(p)
	return string(raw)
}

func TestPlanJSONHasEmptyListsRatherThanNull(t *testing.T) {
	got := show(MakePlan(nil, "8.1", nil))
	if want := `{"steps":[],"conflicts":[],"blocked":[]}`; got != want {
		t.Errorf("empty plan = %s, want %s", got, want)
	}
}

func TestPlanDoesNotDependOnTheOrderOfTheRows(t *testing.T) {
	nodes := generatePatches(t, 300)
	want := show(MakePlan(nodes, "8.3", []string{"PT-0005", "PT-0050"}))
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		rng.Shuffle(len(nodes), func(i, j int) { nodes[i], nodes[j] = nodes[j], nodes[i] })
		if got := show(MakePlan(nodes, "8.3", []string{"PT-0050", "PT-0005"})); got != want {
			t.Fatalf("shuffled rows give another plan:\n got %s\nwant %s", got, want)
		}
	}
}

// TestGeneratedPlansKeepTheirPromises checks, on a large generated product,
// what the table shows on small ones.
func TestGeneratedPlansKeepTheirPromises(t *testing.T) {
	nodes := generatePatches(t, 2000)
	plan := checkPromises(t, nodes, "8.3", []string{"PT-0003", "PT-0100", "PT-0700"})
	if len(plan.Steps) < 100 || len(plan.Blocked) == 0 || len(plan.Conflicts) == 0 {
		t.Fatalf("the generated product should give a plan with steps, blocked patches and conflicts: %d, %d, %d",
			len(plan.Steps), len(plan.Blocked), len(plan.Conflicts))
	}
}

// TestPlansOfTangledDataFinishAndKeepTheirPromises plans small products
// whose stored references go anywhere, cycles included.
func TestPlansOfTangledDataFinishAndKeepTheirPromises(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	statuses := []string{Published, Published, Published, Published, Withdrawn, Draft}
	ranges := []string{">=8.0", "<8.3", "8.3 || >=9"}
	some := func(n int) []string {
		var out []string
		for range rng.IntN(3) {
			out = append(out, fmt.Sprintf("T-%02d", rng.IntN(n+2))) // now and then a number nobody has
		}
		return out
	}
	for range 300 {
		n := 2 + rng.IntN(30)
		nodes := make([]Node, n)
		for i := range nodes {
			applies, _ := ParseAppliesTo(ranges[rng.IntN(len(ranges))])
			nodes[i] = Node{ID: fmt.Sprint(i), Number: fmt.Sprintf("T-%02d", i), Status: statuses[rng.IntN(len(statuses))],
				AppliesTo: applies, Requires: some(n), Supersedes: some(n), ConflictsWith: some(n),
				PublishedAt: time.Unix(int64(rng.IntN(5)), 0)}
		}
		checkPromises(t, nodes, "8.3", some(n))
		if t.Failed() {
			for _, x := range nodes {
				t.Logf("%s %s requires %v supersedes %v", x.Number, x.Status, x.Requires, x.Supersedes)
			}
			t.FailNow()
		}
	}
}

// checkPromises plans and checks what MakePlan promises: a step is a
// published patch for the version, not installed nor superseded by an
// installed patch, listed once; each of its prerequisites is installed,
// contained in something installed or in an earlier step, or contained in
// the step itself; and every other such patch is replaced by a step or
// blocked, never both. (Containment follows every stored supersedes, so in
// data with supersession cycles, which MakePlan breaks, a step may also be
// contained in an earlier one.)
func checkPromises(t *testing.T, nodes []Node, version string, installed []string) Plan {
	t.Helper()
	byNumber := map[string]Node{}
	for _, n := range nodes {
		byNumber[n.Number] = n
	}
	installedHave, have := map[string]bool{}, map[string]bool{}
	for _, n := range installed {
		containedIn(byNumber, n, installedHave)
		containedIn(byNumber, n, have)
	}
	plan := MakePlan(nodes, version, installed)
	fate := map[string]string{}
	for _, s := range plan.Steps {
		n := byNumber[s.Number]
		if n.Status != Published || installedHave[s.Number] || !n.AppliesTo.Matches(version) || fate[s.Number] != "" {
			t.Errorf("step %s is %s, installed already, listed twice or not for %s", s.Number, n.Status, version)
		}
		own := containedIn(byNumber, s.Number, map[string]bool{})
		for _, r := range n.Requires {
			if !have[r] && !own[r] {
				t.Errorf("step %s comes before its prerequisite %s", s.Number, r)
			}
		}
		containedIn(byNumber, s.Number, have)
		fate[s.Number] = "step"
		for _, r := range s.Replaces {
			if fate[r] == "" {
				fate[r] = "replaced"
			}
		}
	}
	for _, b := range plan.Blocked {
		if fate[b.Number] != "" {
			t.Errorf("%s is blocked and %s", b.Number, fate[b.Number])
		}
		fate[b.Number] = "blocked"
	}
	for _, n := range nodes {
		if n.Status == Published && n.AppliesTo.Matches(version) && !installedHave[n.Number] && fate[n.Number] == "" {
			t.Errorf("%s applies but is neither planned, replaced nor blocked", n.Number)
		}
	}
	return plan
}

// containedIn marks number and everything it supersedes, directly or
// through others, in into, and returns into.
func containedIn(byNumber map[string]Node, number string, into map[string]bool) map[string]bool {
	if !into[number] {
		into[number] = true
		for _, s := range byNumber[number].Supersedes {
			containedIn(byNumber, s, into)
		}
	}
	return into
}

// generatePatches makes a product's history the way vendors build it:
// versions 8.0 to 9.x with patches for ranges of them, patches of eight
// modules, each with a cumulative patch now and then that supersedes the
// module's patches since its previous one (and mostly that one too) and
// now and then conflicts with another module's cumulative patch,
// prerequisites on recent patches of any module, a few withdrawn and draft
// patches (and requirements on them), and some conflicts. The same n gives
// the same patches.
func generatePatches(t testing.TB, n int) []Node {
	rng := rand.New(rand.NewPCG(2025, uint64(n)))
	number := func(i int) string { return fmt.Sprintf("PT-%04d", i) }
	ranges := []string{">=8.0 <8.5", ">=8.3 <9", "8.3 || >=9.0", ">=8.0", "<8.3", "8.1 || 8.3 || 8.5"}
	const modules = 8
	var since [modules][]string // a module's patches since its last cumulative one
	var cumulative [modules]string
	nodes := make([]Node, 0, n)
	for i := range n {
		applies, err := ParseAppliesTo(ranges[rng.IntN(len(ranges))])
		if err != nil {
			t.Fatal(err)
		}
		x := Node{ID: fmt.Sprintf("pat_%05d", i), Number: number(i), Status: Published, AppliesTo: applies,
			PublishedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 7 * time.Hour)}
		switch r := rng.IntN(100); {
		case r < 3:
			x.Status = Withdrawn
		case r < 5:
			x.Status = Draft
		}
		m := rng.IntN(modules)
		if len(since[m]) >= 3 && rng.IntN(4) == 0 {
			x.Supersedes = since[m]
			if cumulative[m] != "" && rng.IntN(4) > 0 {
				x.Supersedes = append(x.Supersedes, cumulative[m])
			}
			if other := cumulative[(m+1)%modules]; other != "" && rng.IntN(5) == 0 {
				x.ConflictsWith = append(x.ConflictsWith, other)
			}
			since[m], cumulative[m] = nil, x.Number
		} else if i > 0 {
			for range rng.IntN(3) {
				x.Requires = append(x.Requires, number(max(0, i-1-rng.IntN(20))))
			}
			since[m] = append(since[m], x.Number)
		}
		if i > 0 && rng.IntN(100) < 3 {
			x.ConflictsWith = append(x.ConflictsWith, number(max(0, i-1-rng.IntN(30))))
		}
		nodes = append(nodes, x)
	}
	return nodes
}

func BenchmarkMakePlan(b *testing.B) {
	nodes := generatePatches(b, 2000)
	installed := []string{"PT-0003", "PT-0100", "PT-0700"}
	b.ReportAllocs()
	for b.Loop() {
		MakePlan(nodes, "8.3", installed)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/plan")
}

func TestPlanReasonsHaveMessages(t *testing.T) {
	for reason := range gravity {
		if !i18n.Has(reason) || !strings.HasPrefix(reason, "patch.plan.") {
			t.Errorf("reason %s has no message in every language", reason)
		}
	}
}
