package contract

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/lifecycle"
	"steward.dev/steward/internal/platform/problem"
)

// Input is a new contract as a client sends it.
type Input struct {
	Product    string     `json:"product"`
	Deployment string     `json:"deployment"`
	Version    string     `json:"version"`
	StartsOn   string     `json:"starts_on"`
	EndsOn     string     `json:"ends_on"`
	Modules    []string   `json:"modules"`
	Users      int        `json:"users"`
	Reference  string     `json:"reference"`
	Overrides  *Overrides `json:"overrides"`
}

// Patch changes some fields of a contract; absent (null) fields stay. An
// empty ends_on clears it (a perpetual contract has none).
type Patch struct {
	Version   *string    `json:"version"`
	EndsOn    *string    `json:"ends_on"`
	Modules   *[]string  `json:"modules"`
	Users     *int       `json:"users"`
	Reference *string    `json:"reference"`
	Overrides *Overrides `json:"overrides"`
}

// IsSubscription reports whether the deployment kind is sold for a period
// (so a contract has an ends_on), rather than as a perpetual license.
func IsSubscription(deployment string) bool {
	return deployment == catalog.PublicCloud || deployment == catalog.PrivateCloudSubscription
}

func (in Input) contract() Contract {
	c := Contract{Product: strings.TrimSpace(in.Product), Deployment: in.Deployment, Version: strings.TrimSpace(in.Version),
		StartsOn: in.StartsOn, EndsOn: in.EndsOn, Modules: in.Modules, Users: in.Users, Reference: in.Reference}
	if in.Overrides != nil {
		c.Overrides = *in.Overrides
	}
	return c
}

func (p Patch) apply(c Contract) Contract {
	if p.Version != nil {
		c.Version = strings.TrimSpace(*p.Version)
	}
	if p.EndsOn != nil {
		c.EndsOn = *p.EndsOn
	}
	if p.Modules != nil {
		c.Modules = *p.Modules
	}
	if p.Users != nil {
		c.Users = *p.Users
	}
	if p.Reference != nil {
		c.Reference = *p.Reference
	}
	if p.Overrides != nil {
		c.Overrides = *p.Overrides
	}
	return c
}

// Facts is what the other rooms know about a contract's references: its
// product (nil when unknown), whether its version is on the product's
// lifecycle table, and which codes name items of the catalog in effect.
type Facts struct {
	Product      *lifecycle.Product
	VersionKnown bool
	Item         func(code string) bool
}

// normalize checks the contract against the rules of the issue, naming
// each field at fault, and fills in empty lists.
func (c *Contract) normalize(f Facts) error {
	var bad problem.Invalid
	c.Reference = strings.TrimSpace(c.Reference)
	if len([]rune(c.Reference)) > 200 {
		bad.Add("reference", "field.too_long")
	}
	p := f.Product
	switch {
	case c.Product == "":
		bad.Add("product", "field.required")
	case p == nil:
		bad.Add("product", "field.product_unknown")
	}
	switch {
	case !slices.Contains(catalog.Deployments, c.Deployment):
		bad.Add("deployment", "field.deployment_unknown")
	case p != nil && !p.Offers(c.Deployment):
		bad.Add("deployment", "field.deployment_not_offered")
	}
	switch {
	case c.Version == "":
		bad.Add("version", "field.required")
	case p != nil && !f.VersionKnown:
		bad.Add("version", "field.version_unknown")
	}
	if c.Modules == nil {
		c.Modules = []string{}
	}
	for i, m := range c.Modules {
		at := fmt.Sprintf("modules[%d]", i)
		switch {
		case slices.Contains(c.Modules[:i], m):
			bad.Add(at, "field.listed_twice")
		case p != nil && !p.HasModule(m):
			bad.Add(at, "field.module_unknown")
		}
	}
	if c.Users <= 0 {
		bad.Add("users", "field.users_positive")
	}
	c.checkDates(&bad)
	c.Overrides.check(&bad, f.Item)
	return bad.Err()
}

// checkDates: starts_on a date; ends_on a date not before it for a
// subscription, absent for a perpetual license.
func (c *Contract) checkDates(bad *problem.Invalid) {
	switch {
	case c.StartsOn == "":
		bad.Add("starts_on", "field.required")
	case !lifecycle.ValidDate(c.StartsOn):
		bad.Add("starts_on", "field.calendar_date")
	}
	switch {
	case c.Deployment == catalog.PrivateCloudPerpetual && c.EndsOn != "":
		bad.Add("ends_on", "field.ends_on_perpetual")
	case c.EndsOn == "" && IsSubscription(c.Deployment):
		bad.Add("ends_on", "field.ends_on_required")
	case c.EndsOn == "":
	case !lifecycle.ValidDate(c.EndsOn):
		bad.Add("ends_on", "field.calendar_date")
	case lifecycle.ValidDate(c.StartsOn) && c.EndsOn < c.StartsOn:
		bad.Add("ends_on", "field.ends_before_start")
	}
}

// check: every code names an item of the catalog in effect, none appears
// twice or is both added and removed, and quota counts are not negative.
func (o *Overrides) check(bad *problem.Invalid, item func(string) bool) {
	if o.Add == nil {
		o.Add = []string{}
	}
	if o.Remove == nil {
		o.Remove = []string{}
	}
	if o.Quota == nil {
		o.Quota = map[string]int{}
	}
	lists := []struct {
		name  string
		codes []string
	}{{"add", o.Add}, {"remove", o.Remove}}
	for _, l := range lists {
		for i, code := range l.codes {
			at := fmt.Sprintf("overrides.%s[%d]", l.name, i)
			switch {
			case !item(code):
				bad.Add(at, "field.item_unknown")
			case slices.Contains(l.codes[:i], code):
				bad.Add(at, "field.listed_twice")
			case l.name == "remove" && slices.Contains(o.Add, code):
				bad.Add(at, "field.added_and_removed")
			}
		}
	}
	codes := make([]string, 0, len(o.Quota))
	for code := range o.Quota {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		at := "overrides.quota." + code
		switch {
		case !item(code):
			bad.Add(at, "field.item_unknown")
		case o.Quota[code] < 0:
			bad.Add(at, "field.quota_negative")
		}
	}
}
