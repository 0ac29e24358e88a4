package catalog

import (
	"encoding/json"
	"reflect"
)

// Diff is what changed from one version (A) to another (B).
type Diff struct {
	A       VersionRef   `json:"a"`
	B       VersionRef   `json:"b"`
	Added   []Item       `json:"added"`
	Removed []Item       `json:"removed"`
	Changed []ItemChange `json:"changed"`
}

// VersionRef names a version in a diff.
type VersionRef struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	State         string `json:"state"`
	EffectiveFrom string `json:"effective_from,omitempty"`
}

// ItemChange is an item present in both versions whose fields differ.
type ItemChange struct {
	Code   string        `json:"code"`
	Name   Text          `json:"name"` // as in B
	Fields []FieldChange `json:"fields"`
}

// FieldChange is one field of an item, old (in A) → new (in B).
type FieldChange struct {
	Field string `json:"field"`
	Old   any    `json:"old"`
	New   any    `json:"new"`
}

// itemFields are the compared fields of an item, by their JSON names, in the
// order a diff lists them.
var itemFields = []struct {
	name string
	get  func(Item) any
}{
	{"name", func(it Item) any { return it.Name }},
	{"description", func(it Item) any { return it.Description }},
	{"category", func(it Item) any { return it.Category }},
	{"applies_to", func(it Item) any { return it.AppliesTo }},
	{"regions", func(it Item) any { return it.Regions }},
	{"hours", func(it Item) any { return it.Hours }},
	{"quota", func(it Item) any { return it.Quota }},
	{"sla", func(it Item) any { return it.SLA }},
	{"parts", func(it Item) any { return it.Parts }},
	{"exclusions", func(it Item) any { return it.Exclusions }},
	{"delivered_at", func(it Item) any { return it.DeliveredAt }},
}

// Compare lists the items added in b, removed from a, and changed between them.
func Compare(a, b Version) Diff {
	d := Diff{A: ref(a), B: ref(b), Added: []Item{}, Removed: []Item{}, Changed: []ItemChange{}}
	for _, old := range a.Items {
		if _, ok := b.Item(old.Code); !ok {
			d.Removed = append(d.Removed, old)
		}
	}
	for _, cur := range b.Items {
		old, ok := a.Item(cur.Code)
		if !ok {
			d.Added = append(d.Added, cur)
			continue
		}
		c := ItemChange{Code: cur.Code, Name: cur.Name}
		for _, f := range itemFields {
			if o, n := f.get(old), f.get(cur); !same(o, n) {
				c.Fields = append(c.Fields, FieldChange{Field: f.name, Old: o, New: n})
			}
		}
		if len(c.Fields) > 0 {
			d.Changed = append(d.Changed, c)
		}
	}
	return d
}

func ref(v Version) VersionRef {
	return VersionRef{ID: v.ID, Name: v.Name, State: v.State, EffectiveFrom: v.EffectiveFrom}
}

// same compares two field values as JSON would show them, so that an empty
// list equals a missing one.
func same(a, b any) bool {
	if reflect.DeepEqual(a, b) {
		return true
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb) || (isEmpty(ja) && isEmpty(jb))
}

func isEmpty(j []byte) bool { s := string(j); return s == "null" || s == "[]" }

// Empty reports whether the two versions have the same items.
func (d Diff) Empty() bool { return len(d.Added)+len(d.Removed)+len(d.Changed) == 0 }

// Summary is the diff in short, for the audit trail: codes added and removed,
// and the changed fields of each changed item.
func (d Diff) Summary() map[string]any {
	changed := map[string][]string{}
	for _, c := range d.Changed {
		for _, f := range c.Fields {
			changed[c.Code] = append(changed[c.Code], f.Field)
		}
	}
	return map[string]any{"added": itemCodes(d.Added), "removed": itemCodes(d.Removed), "changed": changed}
}
