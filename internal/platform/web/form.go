package web

import (
	"net/http"
	"strconv"

	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/problem"
)

// FormErrors is what a form shows after a failed submit: a sentence for the
// whole form and a message under each field at fault.
type FormErrors struct {
	Summary string
	Fields  map[string]string
}

// Field returns the message for field, if any.
func (f *FormErrors) Field(name string) string {
	if f == nil {
		return ""
	}
	return f.Fields[name]
}

// AsFormErrors localises a problem for redisplay in a form, with the status
// the page should answer. Errors that are not problems are returned as they
// are, for the error page.
func AsFormErrors(r *http.Request, err error) (*FormErrors, int, error) {
	pe, ok := problem.As(err)
	if !ok || pe.Status >= 500 || pe.Status == http.StatusNotFound {
		return nil, 0, err
	}
	lang := Lang(r.Context())
	fe := &FormErrors{Summary: i18n.T(lang, pe.MessageKey(), pe.Args), Fields: map[string]string{}}
	for _, f := range pe.Fields {
		fe.Fields[f.Field] = i18n.T(lang, f.Message, nil)
	}
	return fe, pe.Status, nil
}

// SetRetryAfter copies a rate-limit problem's wait (its "retry_after"
// member, in seconds) into the Retry-After header.
func SetRetryAfter(w http.ResponseWriter, extra map[string]any) {
	if seconds, ok := extra["retry_after"].(int); ok {
		w.Header().Set("Retry-After", strconv.Itoa(seconds))
	}
}
