package web

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"steward.dev/steward/internal/platform/problem"
)

// Decode reads the JSON body into v. Malformed JSON, unknown fields, wrong
// types, trailing data and bodies over the route's limit come back as
// problems that name the field.
func Decode(r *http.Request, v any) error {
	return DecodeReader(r.Body, v)
}

// DecodeReader is Decode for any reader; an empty body decodes as {}.
func DecodeReader(body io.Reader, v any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return decodeProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return problem.InvalidField("", "field.json_trailing")
	}
	return nil
}

func decodeProblem(err error) error {
	var (
		syntax    *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		tooBig    *http.MaxBytesError
		unknownAt string
	)
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		unknownAt, _ = strconv.Unquote(strings.TrimPrefix(msg, "json: unknown field "))
	}
	switch {
	case errors.As(err, &tooBig):
		return err
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return problem.InvalidField("", "field.json_malformed")
	case errors.As(err, &typeErr) && typeErr.Type == reflect.TypeFor[Time]():
		return problem.InvalidField(typeErr.Field, "field.time")
	case errors.As(err, &typeErr):
		return problem.InvalidField(typeErr.Field, "field.json_type")
	case unknownAt != "":
		return problem.InvalidField(unknownAt, "field.unknown")
	default:
		return problem.InvalidField("", "field.json_malformed")
	}
}

// JSON writes v with the status.
func JSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// Created writes 201 with a Location header and the new object.
func Created(w http.ResponseWriter, location string, v any) error {
	w.Header().Set("Location", location)
	return JSON(w, http.StatusCreated, v)
}

// List is the shape of every list response.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// PageRequest is the requested window of a list: ?limit= (default 50, max 200) and ?cursor=.
type PageRequest struct {
	Limit int
	After string // the id the previous page ended with; empty for the first page
}

// ParsePage reads limit and cursor from the query string.
func ParsePage(r *http.Request) (PageRequest, error) {
	p := PageRequest{Limit: 50}
	var bad problem.Invalid
	if n, err := LimitParam(r, p.Limit, 200, "field.limit"); err != nil {
		bad.Add("limit", "field.limit")
	} else {
		p.Limit = n
	}
	if c := r.URL.Query().Get("cursor"); c != "" {
		raw, err := base64.RawURLEncoding.DecodeString(c)
		if err != nil || len(raw) == 0 {
			bad.Add("cursor", "field.cursor")
		}
		p.After = string(raw)
	}
	return p, bad.Err()
}

// LimitParam reads ?limit=: def when absent, a whole number from 1 to most
// otherwise (400 naming limit, worded by the message key, when not).
func LimitParam(r *http.Request, def, most int, key string) (int, error) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > most {
		return 0, problem.InvalidField("limit", key)
	}
	return n, nil
}

// NewList builds a list from one row more than the page's limit: when that
// extra row exists there is a next page, which starts after the last item.
func NewList[T any](items []T, page PageRequest, idOf func(T) string) List[T] {
	l := List[T]{Items: items}
	if l.Items == nil {
		l.Items = []T{}
	}
	if len(items) > page.Limit {
		l.Items = items[:page.Limit]
		l.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(idOf(l.Items[page.Limit-1])))
	}
	return l
}

// Time is an RFC 3339 instant in a request body. Unlike time.Time, a bad
// value is reported against its field name.
type Time struct{ time.Time }

// UnmarshalJSON accepts an RFC 3339 string.
func (t *Time) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: "non-string", Type: reflect.TypeFor[Time]()}
	}
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "string " + strconv.Quote(s), Type: reflect.TypeFor[Time]()}
	}
	t.Time = v
	return nil
}

// Ptr returns the instant, or nil when t is nil.
func (t *Time) Ptr() *time.Time {
	if t == nil {
		return nil
	}
	return &t.Time
}
