package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/app"
)

// What TestOpenAPIMatchesRoutes compares:
//
//   - Every operation in openapi.json without "x-steward-raw": true is a
//     (METHOD, path) pair; the set of those pairs must equal the set of
//     routes in a.Router.Routes() with API true (registered with rt.API or
//     rt.APIWithLimit). Go's wildcards {name} and {name...} are written
//     {name} in OpenAPI; a trailing {$} is dropped.
//   - Operations marked "x-steward-raw": true document plain handlers
//     registered with rt.Raw (/livez, /readyz, /metrics), which the router
//     does not list. Each must not be an API route, and a request for it
//     through a.Handler must not answer 404 or 405.
//   - Page routes (rt.Page) are not documented and not compared.

// openAPIOperation is one documented method and path.
type openAPIOperation struct {
	Method, Path string
	Raw          bool
}

func (o openAPIOperation) String() string { return o.Method + " " + o.Path }

var pathItemFields = map[string]bool{"$ref": true, "summary": true, "description": true, "servers": true, "parameters": true}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func newOpenAPITestApp(t *testing.T) *app.App {
	t.Helper()
	a, err := app.New(t.Context(), app.Config{
		DataDir: t.TempDir(),
		Hasher:  account.Hasher{Memory: 1024, Time: 1, Threads: 1},
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return a
}

// fetchOpenAPI gets the document the server serves and checks it is JSON
// with openapi 3.1.x.
func fetchOpenAPI(t *testing.T, a *app.App) map[string]any {
	t.Helper()
	rec := httptest.NewRecorder()
	a.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json = %d, want 200; body %.300s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("GET /api/v1/openapi.json: Content-Type %q, want application/json", ct)
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("GET /api/v1/openapi.json is not valid JSON: %v", err)
	}
	if dec.More() {
		t.Fatalf("GET /api/v1/openapi.json has content after the JSON document")
	}
	version, _ := doc["openapi"].(string)
	if !regexp.MustCompile(`^3\.1\.\d+$`).MatchString(version) {
		t.Fatalf(`openapi = %q, want "3.1.x"`, version)
	}
	for _, field := range []string{"info", "paths", "components"} {
		if _, ok := doc[field].(map[string]any); !ok {
			t.Fatalf("the document has no %q object", field)
		}
	}
	return doc
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	a := newOpenAPITestApp(t)
	doc := fetchOpenAPI(t, a)
	documented := documentedOperations(t, doc)

	served := map[string]bool{}
	for _, r := range a.Router.Routes() {
		if !r.API {
			continue
		}
		if r.Method == "" {
			t.Errorf("API route %q has no method; register it as \"METHOD /path\"", r.Path)
			continue
		}
		served[r.Method+" "+openAPIPath(r.Path)] = true
	}
	if len(served) == 0 {
		t.Fatal("the router lists no API routes")
	}

	inDoc := map[string]bool{}
	for _, op := range documented {
		if op.Raw {
			if served[op.String()] {
				t.Errorf("%s is marked x-steward-raw but is an API route: remove the mark", op)
			}
			checkRawServed(t, a, op)
			continue
		}
		inDoc[op.String()] = true
	}

	var missing, extra []string
	for k := range served {
		if !inDoc[k] {
			missing = append(missing, k)
		}
	}
	for k := range inDoc {
		if !served[k] {
			extra = append(extra, k)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	for _, k := range missing {
		t.Errorf("served but not in openapi.json: %s", k)
	}
	for _, k := range extra {
		t.Errorf("in openapi.json but not served: %s", k)
	}
}

// checkRawServed asks the handler for a plain (non-API) documented route.
func checkRawServed(t *testing.T, a *app.App, op openAPIOperation) {
	t.Helper()
	path := regexp.MustCompile(`\{[^}]*\}`).ReplaceAllString(op.Path, "x")
	rec := httptest.NewRecorder()
	a.Handler.ServeHTTP(rec, httptest.NewRequest(op.Method, path, nil))
	if rec.Code == http.StatusNotFound || rec.Code == http.StatusMethodNotAllowed {
		t.Errorf("in openapi.json (x-steward-raw) but not served: %s answers %d", op, rec.Code)
	}
}

// openAPIPath writes a ServeMux pattern's path the OpenAPI way.
func openAPIPath(p string) string {
	p = strings.TrimSuffix(p, "{$}")
	return strings.ReplaceAll(p, "...}", "}")
}

// documentedOperations lists the document's operations and checks what the
// comparison relies on: known path item fields, declared path parameters,
// unique operation ids, and $refs that resolve.
func documentedOperations(t *testing.T, doc map[string]any) []openAPIOperation {
	t.Helper()
	checkRefs(t, doc, doc, "#")
	paths := doc["paths"].(map[string]any)
	var ops []openAPIOperation
	ids := map[string]string{}
	for path, v := range paths {
		item, ok := v.(map[string]any)
		if !ok {
			t.Errorf("paths[%q] is not an object", path)
			continue
		}
		if !strings.HasPrefix(path, "/") {
			t.Errorf("path %q does not start with /", path)
		}
		pathParams := declaredPathParams(t, doc, item["parameters"])
		for key, v := range item {
			if pathItemFields[key] || strings.HasPrefix(key, "x-") {
				continue
			}
			if !slices.Contains(httpMethods, key) {
				t.Errorf("paths[%q] has %q, which is neither an HTTP method nor a path item field", path, key)
				continue
			}
			op, ok := v.(map[string]any)
			if !ok {
				t.Errorf("%s %s is not an object", key, path)
				continue
			}
			o := openAPIOperation{Method: strings.ToUpper(key), Path: path}
			o.Raw, _ = op["x-steward-raw"].(bool)
			ops = append(ops, o)

			if id, _ := op["operationId"].(string); id == "" {
				t.Errorf("%s has no operationId", o)
			} else if other, dup := ids[id]; dup {
				t.Errorf("%s and %s share the operationId %q", o, other, id)
			} else {
				ids[id] = o.String()
			}
			if _, ok := op["responses"].(map[string]any); !ok {
				t.Errorf("%s has no responses", o)
			}
			checkRequestBody(t, doc, o, op["requestBody"])
			declared := union(pathParams, declaredPathParams(t, doc, op["parameters"]))
			inPath := map[string]bool{}
			for _, m := range regexp.MustCompile(`\{([^}]*)\}`).FindAllStringSubmatch(path, -1) {
				inPath[m[1]] = true
				if !declared[m[1]] {
					t.Errorf("%s: path parameter %q is not declared", o, m[1])
				}
			}
			for name := range declared {
				if !inPath[name] {
					t.Errorf("%s declares path parameter %q that is not in the path", o, name)
				}
			}
		}
	}
	slices.SortFunc(ops, func(a, b openAPIOperation) int { return strings.Compare(a.String(), b.String()) })
	return ops
}

func union(a, b map[string]bool) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// checkRequestBody requires a JSON request body's schema to refuse unknown
// fields, as web.Decode does, unless it says it ignores them
// (x-ignores-unknown-fields: a file of an outside format, whose metadata
// keys such as $schema the import passes over).
func checkRequestBody(t *testing.T, doc map[string]any, o openAPIOperation, body any) {
	t.Helper()
	b, _ := body.(map[string]any)
	if ref, ok := b["$ref"].(string); ok {
		b, _ = resolveRef(doc, ref).(map[string]any)
	}
	if b == nil {
		return
	}
	content, _ := b["content"].(map[string]any)
	media, _ := content["application/json"].(map[string]any)
	if media == nil {
		return
	}
	schema, _ := media["schema"].(map[string]any)
	if ref, ok := schema["$ref"].(string); ok {
		schema, _ = resolveRef(doc, ref).(map[string]any)
	}
	if schema["type"] == "object" && schema["additionalProperties"] != false && schema["x-ignores-unknown-fields"] != true {
		t.Errorf("%s: the request body schema lacks additionalProperties: false (unknown fields are refused)", o)
	}
}

// declaredPathParams returns the names of the "in": "path" parameters of a
// parameters list, following $refs.
func declaredPathParams(t *testing.T, doc map[string]any, list any) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	params, _ := list.([]any)
	for _, p := range params {
		m, _ := p.(map[string]any)
		if ref, ok := m["$ref"].(string); ok {
			m, _ = resolveRef(doc, ref).(map[string]any)
		}
		if m == nil {
			continue // an unresolvable $ref is reported by checkRefs
		}
		if m["in"] == "path" {
			name, _ := m["name"].(string)
			out[name] = true
			if m["required"] != true {
				t.Errorf("path parameter %q is not required: true", name)
			}
		}
	}
	return out
}

// checkRefs reports every $ref under v that does not resolve in doc.
func checkRefs(t *testing.T, doc map[string]any, v any, at string) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			if k == "$ref" {
				ref, _ := child.(string)
				if resolveRef(doc, ref) == nil {
					t.Errorf("%s: $ref %q does not resolve", at, ref)
				}
				continue
			}
			checkRefs(t, doc, child, at+"/"+strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1"))
		}
	case []any:
		for i, child := range v {
			checkRefs(t, doc, child, fmt.Sprintf("%s/%d", at, i))
		}
	}
}

// resolveRef follows a local JSON pointer ("#/components/schemas/User").
func resolveRef(doc map[string]any, ref string) any {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil
	}
	var cur any = doc
	for _, part := range strings.Split(rest, "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		if cur, ok = m[part]; !ok {
			return nil
		}
	}
	return cur
}
