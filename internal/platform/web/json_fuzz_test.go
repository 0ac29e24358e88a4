package web_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// decodeTarget has a field of every kind the API's inputs use.
type decodeTarget struct {
	Name    string     `json:"name"`
	Age     int        `json:"age"`
	Admin   bool       `json:"admin"`
	Nick    *string    `json:"nick"`
	Tags    []string   `json:"tags"`
	At      time.Time  `json:"at"`
	Until   *time.Time `json:"until"`
	Nested  *decodeSub `json:"nested"`
	Ratings []int      `json:"ratings"`
}

type decodeSub struct {
	Level int    `json:"level"`
	Note  string `json:"note"`
}

// FuzzDecode feeds arbitrary bodies to DecodeReader: it never panics, and it
// answers nil or a 400 *problem.Error; any other error would reach the client
// as a 500.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		``,
		` `,
		`{}`,
		`null`,
		`{"name":"张三","age":30,"admin":true,"nick":"z","tags":["a","b"],"at":"2026-01-02T03:04:05Z","until":null,"nested":{"level":1,"note":"x"},"ratings":[1,2]}`,
		`{`,
		`{"name":`,
		`{"name":"x"`,
		`{"name":"x",}`,
		`{'name':'x'}`,
		`{"name":"\ud800"}`,
		`{"name":"\x"}`,
		"{\"name\":\"\xff\xfe\"}",
		`{"x":1}`,
		`{"nested":{"x":1}}`,
		`{"NAME":"case differs"}`,
		`{"age":"30"}`,
		`{"age":1.5}`,
		`{"age":1e400}`,
		`{"age":99999999999999999999999999999}`,
		`{"age":-9223372036854775809}`,
		`{"admin":"true"}`,
		`{"admin":1}`,
		`{"nick":5}`,
		`{"tags":"a"}`,
		`{"tags":[1]}`,
		`{"at":"yesterday"}`,
		`{"at":"2026-13-45T99:99:99Z"}`,
		`{"at":12}`,
		`{"until":"2026-01-02"}`,
		`{"nested":[]}`,
		`{"nested":{"level":{"deeper":[[[[[]]]]]}}}`,
		`{"ratings":[1,"2"]}`,
		`{} {}`,
		`{}x`,
		`{}]`,
		`[]`,
		`"string"`,
		`12`,
		`true`,
		`{"name":"a","name":"b"}`,
		strings.Repeat(`[`, 20000),
		strings.Repeat(`{"nested":`, 5000),
		`{"name":"` + strings.Repeat("长", 5000) + `"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var v decodeTarget
		err := web.DecodeReader(strings.NewReader(string(body)), &v)
		if err == nil {
			return
		}
		pe, ok := problem.As(err)
		if !ok {
			t.Fatalf("DecodeReader(%q) = %T %v, want nil or a *problem.Error", body, err, err)
		}
		if pe.Status != http.StatusBadRequest || pe.Code != "request.invalid" || len(pe.Fields) == 0 {
			t.Fatalf("DecodeReader(%q) = %+v, want a 400 request.invalid naming a field", body, pe)
		}
	})
}

// TestDecodeNamesTheField checks the problem tells the client which field
// was wrong, and that a body over the route's limit is left for the router
// to answer 413.
func TestDecodeNamesTheField(t *testing.T) {
	tests := []struct {
		name, body     string
		field, message string
	}{
		{"unknown field", `{"name":"a","x":1}`, "x", "field.unknown"},
		{"unknown nested field", `{"nested":{"x":1}}`, "x", "field.unknown"},
		{"wrong type", `{"age":"thirty"}`, "age", "field.json_type"},
		{"wrong type for bool", `{"admin":"yes"}`, "admin", "field.json_type"},
		{"wrong type in a slice", `{"tags":[1]}`, "tags", "field.json_type"},
		{"wrong type nested", `{"nested":{"level":"high"}}`, "nested.level", "field.json_type"},
		{"number too big", `{"age":1e400}`, "age", "field.json_type"},
		{"malformed", `{"name":`, "", "field.json_malformed"},
		{"malformed syntax", `{name:"a"}`, "", "field.json_malformed"},
		{"trailing data", `{"name":"a"} {"name":"b"}`, "", "field.json_trailing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v decodeTarget
			err := web.DecodeReader(strings.NewReader(tc.body), &v)
			pe, ok := problem.As(err)
			if !ok {
				t.Fatalf("DecodeReader(%s) = %v, want a problem", tc.body, err)
			}
			if pe.Status != http.StatusBadRequest || pe.Code != "request.invalid" {
				t.Errorf("DecodeReader(%s) = %d %s, want 400 request.invalid", tc.body, pe.Status, pe.Code)
			}
			want := problem.Field{Field: tc.field, Message: tc.message}
			if len(pe.Fields) != 1 || pe.Fields[0] != want {
				t.Errorf("DecodeReader(%s) fields = %+v, want [%+v]", tc.body, pe.Fields, want)
			}
		})
	}

	for _, ok := range []string{``, `{}`, ` {"name":"a"} `, `null`} {
		var v decodeTarget
		if err := web.DecodeReader(strings.NewReader(ok), &v); err != nil {
			t.Errorf("DecodeReader(%q) = %v, want nil", ok, err)
		}
	}

	t.Run("body over the limit", func(t *testing.T) {
		const limit = 64
		for name, body := range map[string]string{
			"inside the value": `{"name":"` + strings.Repeat("a", 2*limit) + `"}`,
			"after the value":  `{"name":"a"}` + strings.Repeat(" ", 2*limit),
			"malformed":        `{"name":` + strings.Repeat("[", 2*limit),
		} {
			rec := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodPost, "/api/v1/x", strings.NewReader(body))
			r.Body = http.MaxBytesReader(rec, r.Body, limit)
			err := web.Decode(r, &decodeTarget{})
			var tooBig *http.MaxBytesError
			if !errors.As(err, &tooBig) || tooBig.Limit != limit {
				t.Errorf("%s: Decode = %T %v, want *http.MaxBytesError with limit %d", name, err, err, limit)
				continue
			}
			if p, _ := web.ToProblem(r, err); p.Status != http.StatusRequestEntityTooLarge || p.Code != "request.too_large" {
				t.Errorf("%s: the problem is %d %s, want 413 request.too_large", name, p.Status, p.Code)
			}
		}
	})
}
