package app

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
)

// openAPIFiles is the API document in parts: openapi/openapi.json holds the
// info, the shared components and the first rooms' paths; every later room
// owns one fragment beside it, so rooms document their routes without
// editing one large file together.
//
//go:embed openapi/*.json
var openAPIFiles embed.FS

const openAPIBase = "openapi/openapi.json"

// openAPIFragment is what a room's file may add to the document.
type openAPIFragment struct {
	Tags       []json.RawMessage                     `json:"tags"`
	Paths      map[string]json.RawMessage            `json:"paths"`
	Components map[string]map[string]json.RawMessage `json:"components"`
}

// buildOpenAPI merges the fragments into the base document. A path or a
// component that two files both define is an error, not a silent override.
func buildOpenAPI(files fs.FS) ([]byte, error) {
	var doc map[string]json.RawMessage
	base, err := fs.ReadFile(files, openAPIBase)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", openAPIBase, err)
	}
	var merged openAPIFragment
	if err := decodeFragment(base, &merged, false); err != nil {
		return nil, fmt.Errorf("%s: %w", openAPIBase, err)
	}
	names, err := fs.Glob(files, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	for _, name := range names {
		if name == openAPIBase {
			continue
		}
		raw, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, err
		}
		var part openAPIFragment
		if err := decodeFragment(raw, &part, true); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := merged.add(part); err != nil {
			return nil, fmt.Errorf("%s: %w", path.Base(name), err)
		}
	}
	for key, value := range map[string]any{"tags": merged.Tags, "paths": merged.Paths, "components": merged.Components} {
		if doc[key], err = json.Marshal(value); err != nil {
			return nil, err
		}
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// decodeFragment reads a file; a fragment may hold only tags, paths and
// components, so a misspelt key is caught.
func decodeFragment(raw []byte, into *openAPIFragment, strict bool) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if strict {
		dec.DisallowUnknownFields()
	}
	return dec.Decode(into)
}

func (f *openAPIFragment) add(part openAPIFragment) error {
	f.Tags = append(f.Tags, part.Tags...)
	if f.Paths == nil {
		f.Paths = map[string]json.RawMessage{}
	}
	for p, item := range part.Paths {
		if _, dup := f.Paths[p]; dup {
			return fmt.Errorf("path %s is already documented", p)
		}
		f.Paths[p] = item
	}
	if f.Components == nil {
		f.Components = map[string]map[string]json.RawMessage{}
	}
	for section, entries := range part.Components {
		if f.Components[section] == nil {
			f.Components[section] = map[string]json.RawMessage{}
		}
		for name, v := range entries {
			if _, dup := f.Components[section][name]; dup {
				return fmt.Errorf("components.%s.%s is already defined", section, name)
			}
			f.Components[section][name] = v
		}
	}
	return nil
}
