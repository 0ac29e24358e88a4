package lifecycle

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/platform/problem"
)

// Detail is a product with its versions, oldest release first.
type Detail struct {
	Product
	Versions []Version `json:"versions"`
}

// HasModule reports whether the product has a module with the code.
func (p Product) HasModule(code string) bool {
	return slices.ContainsFunc(p.Modules, func(m Module) bool { return m.Code == code })
}

// Offers reports whether the product is sold with the deployment kind.
func (p Product) Offers(deployment string) bool { return slices.Contains(p.Deployments, deployment) }

// ValidDate reports whether s is a calendar date written YYYY-MM-DD.
func ValidDate(s string) bool {
	t, err := time.Parse(time.DateOnly, s)
	return err == nil && t.Format(time.DateOnly) == s
}

var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

const maxName = 100

// reservedCode cannot name a product: /lifecycle/changes.atom is the feed of
// every product, so its own feed would be unreachable.
const reservedCode = "changes"

// normalize trims the product's texts and checks it: a code of lower-case
// letters, digits, - and _; both names; known, distinct deployment kinds;
// modules with distinct codes and both names.
func (p *Product) normalize() error {
	var bad problem.Invalid
	p.Code = strings.TrimSpace(p.Code)
	switch {
	case !codePattern.MatchString(p.Code):
		bad.Add("code", "field.code")
	case p.Code == reservedCode:
		bad.Add("code", "field.code_reserved")
	}
	checkText(&bad, "name", &p.Name)
	if len(p.Deployments) == 0 {
		bad.Add("deployments", "field.required")
	}
	for i, d := range p.Deployments {
		switch {
		case !slices.Contains(catalog.Deployments, d):
			bad.Add(fmt.Sprintf("deployments[%d]", i), "field.deployment_unknown")
		case slices.Contains(p.Deployments[:i], d):
			bad.Add(fmt.Sprintf("deployments[%d]", i), "field.listed_twice")
		}
	}
	if p.Modules == nil {
		p.Modules = []Module{}
	}
	seen := map[string]bool{}
	for i := range p.Modules {
		m := &p.Modules[i]
		at := fmt.Sprintf("modules[%d]", i)
		m.Code = strings.TrimSpace(m.Code)
		switch {
		case !codePattern.MatchString(m.Code):
			bad.Add(at+".code", "field.code")
		case seen[m.Code]:
			bad.Add(at+".code", "field.listed_twice")
		}
		seen[m.Code] = true
		checkText(&bad, at+".name", &m.Name)
	}
	return bad.Err()
}

func checkText(bad *problem.Invalid, field string, t *Text) {
	t.Zh, t.En = strings.TrimSpace(t.Zh), strings.TrimSpace(t.En)
	for _, part := range []struct{ lang, v string }{{"zh", t.Zh}, {"en", t.En}} {
		switch {
		case part.v == "":
			bad.Add(field+"."+part.lang, "field.required")
		case len([]rune(part.v)) > maxName:
			bad.Add(field+"."+part.lang, "field.too_long")
		}
	}
}

// normalize checks a version: a name, and dates in order — released, then
// the end of standard service, then the optional end of extended service.
func (v *Version) normalize() error {
	var bad problem.Invalid
	v.Name = strings.TrimSpace(v.Name)
	switch {
	case v.Name == "":
		bad.Add("name", "field.required")
	case len([]rune(v.Name)) > 40:
		bad.Add("name", "field.too_long")
	}
	dates := []struct {
		field, value string
		optional     bool
	}{{"released_on", v.ReleasedOn, false}, {"standard_support_until", v.StandardSupportUntil, false}, {"extended_support_until", v.ExtendedSupportUntil, true}}
	prev, prevField := "", ""
	for _, d := range dates {
		switch {
		case d.value == "" && d.optional:
			continue
		case d.value == "":
			bad.Add(d.field, "field.required")
		case !ValidDate(d.value):
			bad.Add(d.field, "field.calendar_date")
		case prev != "" && d.value < prev:
			bad.Add(d.field, "field.before_"+prevField)
		}
		if ValidDate(d.value) {
			prev, prevField = d.value, d.field
		}
	}
	return bad.Err()
}
