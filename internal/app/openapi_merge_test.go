package app

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"
)

const testBase = `{"openapi":"3.1.0","info":{"title":"t"},"tags":[{"name":"a"}],
	"paths":{"/a":{"get":{}}},"components":{"schemas":{"A":{}}}}`

func TestOpenAPIFragmentsAreMergedIntoTheBase(t *testing.T) {
	files := fstest.MapFS{
		"openapi/openapi.json": {Data: []byte(testBase)},
		"openapi/room.json":    {Data: []byte(`{"tags":[{"name":"b"}],"paths":{"/b":{"post":{}}},"components":{"schemas":{"B":{}},"parameters":{"P":{}}}}`)},
	}
	raw, err := buildOpenAPI(files)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI    string                               `json:"openapi"`
		Tags       []map[string]string                  `json:"tags"`
		Paths      map[string]any                       `json:"paths"`
		Components map[string]map[string]map[string]any `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" || len(doc.Tags) != 2 || doc.Paths["/a"] == nil || doc.Paths["/b"] == nil ||
		doc.Components["schemas"]["A"] == nil || doc.Components["schemas"]["B"] == nil || doc.Components["parameters"]["P"] == nil {
		t.Errorf("merged document lost something: %s", raw)
	}
}

func TestOpenAPIFragmentsMayNotCollide(t *testing.T) {
	for name, fragment := range map[string]string{
		"path /a is already documented":           `{"paths":{"/a":{"put":{}}}}`,
		"components.schemas.A is already defined": `{"components":{"schemas":{"A":{}}}}`,
		`unknown field "info"`:                    `{"info":{}}`,
	} {
		files := fstest.MapFS{
			"openapi/openapi.json": {Data: []byte(testBase)},
			"openapi/room.json":    {Data: []byte(fragment)},
		}
		_, err := buildOpenAPI(files)
		if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "room.json") {
			t.Errorf("%s: err = %v, want it to say %q and name the file", fragment, err, name)
		}
	}
}
