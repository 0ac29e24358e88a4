package lifecycle

import (
	"fmt"
	"strings"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/id"
)

// The lifecycle table's history: every version added and every edit of its
// dates, stored with the change in the same transaction, for the public Atom
// feeds (a customer's tools watch it rather than the page).

// Kinds of change.
const (
	ChangeVersionAdded = "version_added"
	ChangeDatesChanged = "dates_changed"
)

// The date fields of a version, in the order texts list them.
const (
	FieldReleasedOn           = "released_on"
	FieldStandardSupportUntil = "standard_support_until"
	FieldExtendedSupportUntil = "extended_support_until"
)

var dateFields = []string{FieldReleasedOn, FieldStandardSupportUntil, FieldExtendedSupportUntil}

// DateChange is one date before and after; "" is no date.
type DateChange struct {
	Before string `json:"before"`
	After  string `json:"after"`
}

// Change is one entry of the history.
type Change struct {
	ID      string
	Product string
	Version string
	Kind    string
	Dates   map[string]DateChange // the fields that changed
	At      time.Time
}

// date returns one of v's date fields by name.
func (v Version) date(field string) string {
	switch field {
	case FieldReleasedOn:
		return v.ReleasedOn
	case FieldStandardSupportUntil:
		return v.StandardSupportUntil
	default:
		return v.ExtendedSupportUntil
	}
}

// newChange is the change from before to after (before is empty for a
// version added).
func newChange(kind string, before, after Version, at time.Time) Change {
	c := Change{ID: id.New("lcc", at), Product: after.Product, Version: after.Name, Kind: kind, Dates: map[string]DateChange{}, At: at}
	for _, f := range dateFields {
		if b, a := before.date(f), after.date(f); b != a {
			c.Dates[f] = DateChange{Before: b, After: a}
		}
	}
	return c
}

// EndsMoved reports whether the change moves an end of service, the dates
// customers plan by (a release date's correction concerns nobody's plans).
func (c Change) EndsMoved() bool {
	_, standard := c.Dates[FieldStandardSupportUntil]
	_, extended := c.Dates[FieldExtendedSupportUntil]
	return standard || extended
}

// audited is the change for the audit log, no date being null.
func (c Change) audited() map[string]audit.Change {
	out := make(map[string]audit.Change, len(c.Dates))
	for f, d := range c.Dates {
		out[f] = audit.Change{Before: orNil(d.Before), After: orNil(d.After)}
	}
	return out
}

func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// fieldNames names the date fields in Chinese and English.
var fieldNames = map[string]Text{
	FieldReleasedOn:           {Zh: "发布日期", En: "Release date"},
	FieldStandardSupportUntil: {Zh: "停止标服服务日期", En: "End of standard service"},
	FieldExtendedSupportUntil: {Zh: "延长服务截止日期", En: "End of extended service"},
}

func dateOr(day string, none string) string {
	if day == "" {
		return none
	}
	return day
}

// lines says in both languages what the change did to each field among
// fields, one line a field.
func (c Change) lines(fields []string) (zh, en []string) {
	for _, f := range fields {
		d, ok := c.Dates[f]
		if !ok {
			continue
		}
		name := fieldNames[f]
		if c.Kind == ChangeVersionAdded {
			zh = append(zh, fmt.Sprintf("%s：%s", name.Zh, d.After))
			en = append(en, fmt.Sprintf("%s: %s", name.En, d.After))
			continue
		}
		zh = append(zh, fmt.Sprintf("%s：%s → %s", name.Zh, dateOr(d.Before, "（无）"), dateOr(d.After, "（无）")))
		en = append(en, fmt.Sprintf("%s: %s → %s", name.En, dateOr(d.Before, "(none)"), dateOr(d.After, "(none)")))
	}
	return zh, en
}

// Title is the change's title in both languages, Chinese first, for a
// product named name.
func (c Change) Title(name Text) Text {
	if c.Kind == ChangeVersionAdded {
		return Text{Zh: fmt.Sprintf("%s %s 已加入生命周期表", name.Zh, c.Version), En: fmt.Sprintf("%s %s added to the lifecycle table", name.En, c.Version)}
	}
	return Text{Zh: fmt.Sprintf("%s %s 的服务日期已变更", name.Zh, c.Version), En: fmt.Sprintf("Service dates of %s %s changed", name.En, c.Version)}
}

// Text is what changed, in both languages: a line per date.
func (c Change) Text() Text {
	zh, en := c.lines(dateFields)
	return Text{Zh: strings.Join(zh, "\n"), En: strings.Join(en, "\n")}
}
