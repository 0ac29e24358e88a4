package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/problem"
)

// ProblemTypeBase prefixes every problem's type URI.
const ProblemTypeBase = "https://steward.dev/problems/"

// Errors of the HTTP layer itself.
var (
	ErrRouteNotFound    = problem.New(http.StatusNotFound, "not_found")
	ErrMethodNotAllowed = problem.New(http.StatusMethodNotAllowed, "request.method_not_allowed")
	ErrTooLarge         = problem.New(http.StatusRequestEntityTooLarge, "request.too_large")
	errInternal         = problem.New(http.StatusInternalServerError, "internal")
)

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string          `json:"type"`
	Title     string          `json:"title"`
	Status    int             `json:"status"`
	Code      string          `json:"code"`
	Detail    string          `json:"detail"`
	Instance  string          `json:"instance"`
	RequestID string          `json:"request_id,omitempty"`
	Errors    []problem.Field `json:"errors,omitempty"`
}

// ToProblem turns err into the problem a client sees, localised to lang.
// Anything that is not a *problem.Error is logged and becomes a bare 500: no
// SQL, stack or path leaves the server.
func ToProblem(r *http.Request, err error) (Problem, map[string]any) {
	pe, ok := problem.As(err)
	if !ok {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			pe = ErrTooLarge.With("limit", strconv.FormatInt(tooBig.Limit, 10))
		} else {
			slog.ErrorContext(r.Context(), "request failed", "err", err, "path", r.URL.Path, "request_id", RequestID(r.Context()))
			pe = errInternal
		}
	}
	lang := Lang(r.Context())
	p := Problem{
		Type:      ProblemTypeBase + pe.Code,
		Title:     http.StatusText(pe.Status),
		Status:    pe.Status,
		Code:      pe.Code,
		Detail:    i18n.T(lang, pe.MessageKey(), pe.Args),
		Instance:  r.URL.Path,
		RequestID: RequestID(r.Context()),
	}
	for _, f := range pe.Fields {
		p.Errors = append(p.Errors, problem.Field{Field: f.Field, Message: i18n.T(lang, f.Message, nil)})
	}
	return p, pe.Extra
}

// WriteProblem writes err as application/problem+json.
func WriteProblem(w http.ResponseWriter, r *http.Request, err error) {
	p, extra := ToProblem(r, err)
	SetRetryAfter(w, extra)
	var body any = p
	if len(extra) > 0 {
		merged := map[string]any{}
		raw, _ := json.Marshal(p)
		json.Unmarshal(raw, &merged)
		for k, v := range extra {
			merged[k] = v
		}
		body = merged
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Language", string(Lang(r.Context())))
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(body)
}
