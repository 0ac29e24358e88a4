// Package i18n holds the zh-CN and English message catalogs and picks the
// language of a request. zh-CN is the default; every key exists in both.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// Lang is a supported language tag.
type Lang string

// The supported languages, the default first.
const (
	Chinese Lang = "zh-CN"
	English Lang = "en"
)

// Langs lists the supported languages, the default first.
var Langs = []Lang{Chinese, English}

// Each language is a folder of JSON files (one per area: errors, pages, …)
// whose flat key → message maps are merged.
//
//go:embed messages
var files embed.FS

var catalogs = map[Lang]map[string]string{}

func init() {
	for _, l := range Langs {
		m := map[string]string{}
		names, _ := fs.Glob(files, "messages/"+string(l)+"/*.json")
		for _, name := range names {
			raw, err := files.ReadFile(name)
			if err != nil {
				panic(err)
			}
			part := map[string]string{}
			if err := json.Unmarshal(raw, &part); err != nil {
				panic(fmt.Sprintf("i18n: %s: %v", name, err))
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					panic(fmt.Sprintf("i18n: %s: key %q is defined twice", name, k))
				}
				m[k] = v
			}
		}
		catalogs[l] = m
	}
}

// Parse returns the supported language a tag names ("zh", "zh-Hans-CN",
// "en-GB" …), or false.
func Parse(tag string) (Lang, bool) {
	tag = strings.ToLower(strings.TrimSpace(tag))
	switch {
	case tag == "zh" || strings.HasPrefix(tag, "zh-"):
		return Chinese, true
	case tag == "en" || strings.HasPrefix(tag, "en-"):
		return English, true
	}
	return "", false
}

// FromAcceptLanguage returns the supported language the header prefers most.
func FromAcceptLanguage(header string) (Lang, bool) {
	type choice struct {
		lang Lang
		q    float64
		pos  int
	}
	var choices []choice
	for i, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(part, ";")
		lang, ok := Parse(tag)
		if !ok {
			continue
		}
		q := 1.0
		if v, found := strings.CutPrefix(strings.TrimSpace(params), "q="); found {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				continue
			}
		}
		if q > 0 {
			choices = append(choices, choice{lang, q, i})
		}
	}
	if len(choices) == 0 {
		return "", false
	}
	sort.SliceStable(choices, func(a, b int) bool { return choices[a].q > choices[b].q })
	return choices[0].lang, true
}

// T returns the message key in lang with {name} placeholders filled from args.
// A missing key returns the key itself, which a test forbids.
func T(lang Lang, key string, args map[string]any) string {
	msg, ok := catalogs[lang][key]
	if !ok {
		if msg, ok = catalogs[Chinese][key]; !ok {
			return key
		}
	}
	if len(args) == 0 || !strings.Contains(msg, "{") {
		return msg
	}
	pairs := make([]string, 0, 2*len(args))
	for k, v := range args {
		pairs = append(pairs, "{"+k+"}", fmt.Sprint(v))
	}
	return strings.NewReplacer(pairs...).Replace(msg)
}

// Has reports whether key exists in every catalog.
func Has(key string) bool {
	for _, l := range Langs {
		if _, ok := catalogs[l][key]; !ok {
			return false
		}
	}
	return true
}

// Keys returns every key of lang's catalog.
func Keys(lang Lang) []string {
	keys := make([]string, 0, len(catalogs[lang]))
	for k := range catalogs[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
