package patch

import (
	"net/http"
	"reflect"
	"testing"

	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/problem"
)

func TestCheckGraphNamesEachReferenceThatDoesNotFit(t *testing.T) {
	others := []Node{
		{Number: "PT-1", Status: Published},
		{Number: "PT-2", Status: Published, Requires: list("PT-1")},
		{Number: "PT-3", Status: Withdrawn},
		{Number: "PT-4", Status: Published, Supersedes: list("PT-2")},
		{Number: "PT-5", Status: Draft},
		{Number: "OLD-1", Status: Published, Requires: list("OLD-2")},
		{Number: "OLD-2", Status: Published, Requires: list("OLD-1")},
	}
	tests := []struct {
		name   string
		n      Node
		fields []problem.Field
		cycle  []string
	}{{
		name: "a patch that requires, supersedes and conflicts with existing patches is accepted",
		n: Node{Number: "PT-9", Requires: list("PT-4", "PT-5"), Supersedes: list("PT-1", "PT-3"),
			ConflictsWith: list("PT-2", "PT-3")},
	}, {
		name: "changing a patch checks it in place of its stored row",
		n:    Node{Number: "PT-2", Status: Published, Requires: list("PT-5")},
	}, {
		name:   "an unknown number is named",
		n:      Node{Number: "PT-9", Requires: list("PT-1", "PT-404"), ConflictsWith: list("NOPE")},
		fields: []problem.Field{bad("requires[1]", "patch.graph.unknown"), bad("conflicts_with[0]", "patch.graph.unknown")},
	}, {
		name:   "a patch cannot refer to itself",
		n:      Node{Number: "PT-9", Requires: list("PT-9"), Supersedes: list("PT-1", "PT-9"), ConflictsWith: list("PT-9")},
		fields: []problem.Field{bad("requires[0]", "patch.graph.self"), bad("supersedes[1]", "patch.graph.self"), bad("conflicts_with[0]", "patch.graph.self")},
	}, {
		name:   "a withdrawn patch cannot be required",
		n:      Node{Number: "PT-9", Requires: list("PT-1", "PT-3")},
		fields: []problem.Field{bad("requires[1]", "patch.graph.requires_withdrawn")},
	}, {
		name:   "a patch cannot both require and supersede the same patch",
		n:      Node{Number: "PT-9", Requires: list("PT-1"), Supersedes: list("PT-4", "PT-1")},
		fields: []problem.Field{bad("supersedes[1]", "patch.graph.required_and_superseded")},
	}, {
		name:   "a patch cannot conflict with a patch it requires",
		n:      Node{Number: "PT-9", Requires: list("PT-2"), ConflictsWith: list("PT-2")},
		fields: []problem.Field{bad("conflicts_with[0]", "patch.graph.conflicts_required")},
	}, {
		name:   "a requirement that closes a circle of requirements is refused, naming the circle",
		n:      Node{Number: "PT-1", Status: Published, Requires: list("PT-2")},
		fields: []problem.Field{bad("requires[0]", "patch.graph.cycle")},
		cycle:  list("PT-1", "PT-2", "PT-1"),
	}, {
		name:   "a circle through supersedes and requires is refused, naming the shortest one",
		n:      Node{Number: "PT-1", Status: Published, Requires: list("PT-5"), Supersedes: list("PT-4")},
		fields: []problem.Field{bad("supersedes[0]", "patch.graph.cycle")},
		cycle:  list("PT-1", "PT-4", "PT-2", "PT-1"),
	}, {
		name: "a circle in old rows that does not pass through the patch does not stop it",
		n:    Node{Number: "PT-9", Requires: list("OLD-1")},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckGraph(others, tt.n)
			if tt.fields == nil {
				if err != nil {
					t.Fatalf("CheckGraph = %v, want nil", err)
				}
				return
			}
			pe, ok := problem.As(err)
			if !ok {
				t.Fatalf("CheckGraph = %v, want a problem", err)
			}
			if pe.Status != http.StatusUnprocessableEntity || pe.Code != "patch.invalid" || !i18n.Has(pe.Code) {
				t.Errorf("CheckGraph = %d %s, want 422 patch.invalid", pe.Status, pe.Code)
			}
			if !reflect.DeepEqual(pe.Fields, tt.fields) {
				t.Errorf("fields = %v, want %v", pe.Fields, tt.fields)
			}
			for _, f := range pe.Fields {
				if !i18n.Has(f.Message) {
					t.Errorf("%s has no message in every language", f.Message)
				}
			}
			var cycle any
			if tt.cycle != nil {
				cycle = tt.cycle
			}
			if got := pe.Extra["cycle"]; !reflect.DeepEqual(got, cycle) {
				t.Errorf("cycle = %v, want %v", got, cycle)
			}
		})
	}
}

func bad(field, message string) problem.Field { return problem.Field{Field: field, Message: message} }
