// Package problem is the error vocabulary shared by services and handlers: an
// error with an HTTP status, a stable code (the key of its localised message)
// and, for invalid input, the fields at fault. The web layer renders it as RFC
// 9457 problem+json or as a page; services never see HTTP.
package problem

import (
	"errors"
	"net/http"
)

// Error is a failure a client can act on.
type Error struct {
	Status int
	Code   string // stable, e.g. "role.forbidden"; also the i18n key of the detail
	// Message is the i18n key of the detail when a room can say more than
	// the code's general words (which state refused which action, say).
	Message string
	Args    map[string]any // values the localised detail refers to
	Fields  []Field        // for request.invalid: which fields are wrong and why
	Extra   map[string]any // extension members added to the JSON problem
}

// Field names one invalid input field. Message is an i18n key.
type Field struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return e.Code + ": " + e.Fields[0].Field + " " + e.Fields[0].Message
	}
	return e.Code
}

// New returns an error with the given status and code.
func New(status int, code string) *Error { return &Error{Status: status, Code: code} }

// With returns a copy of e with a named argument for its message.
func (e *Error) With(key string, value any) *Error {
	c := *e
	c.Args = map[string]any{}
	for k, v := range e.Args {
		c.Args[k] = v
	}
	c.Args[key] = value
	return &c
}

// Explained returns a copy of e whose detail is the message key's, with its
// arguments; the code stays, so scripts keep matching it.
func (e *Error) Explained(key string, args map[string]any) *Error {
	c := *e
	c.Message, c.Args = key, args
	return &c
}

// MessageKey is the i18n key of the detail: Message, else Code.
func (e *Error) MessageKey() string {
	if e.Message != "" {
		return e.Message
	}
	return e.Code
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var pe *Error
	ok := errors.As(err, &pe)
	return pe, ok
}

// Common errors.
var (
	ErrNotFound        = New(http.StatusNotFound, "not_found")
	ErrUnauthenticated = New(http.StatusUnauthorized, "auth.required")
	ErrForbidden       = New(http.StatusForbidden, "role.forbidden")
	ErrConflict        = New(http.StatusConflict, "state.conflict")
)

// Invalid collects field errors for a 400 request.invalid.
type Invalid struct{ fields []Field }

// Add records that field is wrong for the reason named by the i18n key message.
func (v *Invalid) Add(field, message string) { v.fields = append(v.fields, Field{field, message}) }

// Err returns the collected error, or nil when every field was fine.
func (v *Invalid) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Status: http.StatusBadRequest, Code: "request.invalid", Fields: v.fields}
}

// InvalidField is a shortcut for a single bad field.
func InvalidField(field, message string) error {
	var v Invalid
	v.Add(field, message)
	return v.Err()
}
