package web

import (
	"net/http"
	"time"

	"steward.dev/steward/internal/platform/problem"
)

// TimeParam reads the query parameter name as an RFC 3339 instant (?at=),
// or returns def when it is absent; any other value is a 400 naming it.
func TimeParam(r *http.Request, name string, def time.Time) (time.Time, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, problem.InvalidField(name, "field.time")
	}
	return t, nil
}
