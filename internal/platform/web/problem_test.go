package web

import (
	"net/http/httptest"
	"testing"

	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/problem"
)

func TestAnExplainedProblemKeepsItsCodeAndSaysMore(t *testing.T) {
	r := httptest.NewRequest("POST", "/api/v1/x", nil)
	general, _ := ToProblem(r, problem.ErrConflict)
	explained, _ := ToProblem(r, problem.ErrConflict.Explained("role.forbidden", nil))
	if explained.Code != "state.conflict" || explained.Status != 409 {
		t.Errorf("explained problem = %s %d, want state.conflict 409", explained.Code, explained.Status)
	}
	if want := i18n.T(Lang(r.Context()), "role.forbidden", nil); explained.Detail != want || explained.Detail == general.Detail {
		t.Errorf("detail = %q, want the explanation's words %q, not the code's %q", explained.Detail, want, general.Detail)
	}
}
