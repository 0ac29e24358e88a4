package patch

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/problem"
)

// Limits of what a vendor writes.
const (
	maxNumberLen   = 64
	maxTitleLen    = 200
	maxNotesBytes  = 64 << 10
	maxRelations   = 200
	maxFileNameLen = 128
)

// normalize trims in and checks every rule that needs no database, naming
// each field at fault.
func (in *Input) normalize() error {
	var bad problem.Invalid
	in.Number = strings.TrimSpace(in.Number)
	in.Product = strings.TrimSpace(in.Product)
	if in.Number == "" {
		bad.Add("number", "field.required")
	} else if !validNumber(in.Number) {
		bad.Add("number", "field.patch_number")
	}
	if in.Product == "" {
		bad.Add("product", "field.required")
	}
	checkType(&bad, in.Type)
	checkTitle(&bad, &in.Title)
	checkNotes(&bad, &in.Notes)
	if applies, err := normalizeAppliesTo(&bad, in.AppliesTo); err == nil {
		in.AppliesTo = applies
	}
	in.Requires = checkNumbers(&bad, "requires", in.Requires)
	in.Supersedes = checkNumbers(&bad, "supersedes", in.Supersedes)
	in.ConflictsWith = checkNumbers(&bad, "conflicts_with", in.ConflictsWith)
	return bad.Err()
}

func checkType(bad *problem.Invalid, t string) {
	if t != DefectFix && t != FeatureUpgrade {
		bad.Add("type", "field.patch_type")
	}
}

func checkTitle(bad *problem.Invalid, t *Text) {
	t.Zh, t.En = strings.TrimSpace(t.Zh), strings.TrimSpace(t.En)
	for field, s := range map[string]string{"title.zh": t.Zh, "title.en": t.En} {
		switch {
		case s == "":
			bad.Add(field, "field.required")
		case utf8.RuneCountInString(s) > maxTitleLen:
			bad.Add(field, "field.patch_title_long")
		}
	}
}

func checkNotes(bad *problem.Invalid, t *Text) {
	t.Zh, t.En = strings.TrimSpace(t.Zh), strings.TrimSpace(t.En)
	for field, s := range map[string]string{"notes.zh": t.Zh, "notes.en": t.En} {
		if len(s) > maxNotesBytes || !utf8.ValidString(s) {
			bad.Add(field, "field.patch_notes_long")
		}
	}
}

// normalizeAppliesTo parses an applicability string into its canonical
// form; a bad one is named with the parser's own message.
func normalizeAppliesTo(bad *problem.Invalid, s string) (string, error) {
	a, err := ParseAppliesTo(s)
	if err != nil {
		msg := "field.applies_to"
		var syntax *SyntaxError
		if errors.As(err, &syntax) && syntax.Code != "" {
			msg = syntax.Code
		}
		bad.Add("applies_to", msg)
		return "", err
	}
	return a.String(), nil
}

// checkNumbers trims a list of patch numbers and refuses bad ones and
// repeats (CheckGraph refuses unknown ones and the patch itself); it never
// returns nil.
func checkNumbers(bad *problem.Invalid, field string, list []string) []string {
	out := make([]string, 0, len(list))
	seen := map[string]bool{}
	if len(list) > maxRelations {
		bad.Add(field, "field.patch_relations_many")
		return out
	}
	for i, n := range list {
		n = strings.TrimSpace(n)
		at := field + "[" + strconv.Itoa(i) + "]"
		switch {
		case !validNumber(n):
			bad.Add(at, "field.patch_number")
		case seen[n]:
			bad.Add(at, "field.listed_twice")
		}
		seen[n] = true
		out = append(out, n)
	}
	return out
}

// validNumber: a vendor patch number such as PT-2025-0012: letters, digits,
// '.', '_' and '-', starting with a letter or digit, at most 64 characters.
func validNumber(s string) bool {
	if s == "" || len(s) > maxNumberLen || !isAlnum(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// ParseFileName checks the name of a patch file from the URL: 1 to 128
// characters of ASCII letters, digits, '.', '_', '-' and '+', starting with
// a letter or digit, with no "..": never a path, so a name cannot point
// anywhere, and the same in every file system and download manager.
func ParseFileName(name string) (string, error) {
	switch {
	case name == "":
		return "", problem.InvalidField("name", "field.required")
	case len(name) > maxFileNameLen:
		return "", problem.InvalidField("name", "field.patch_file_name_long")
	case !isAlnum(name[0]) || strings.Contains(name, ".."):
		return "", problem.InvalidField("name", "field.patch_file_name")
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isAlnum(c) && !strings.ContainsRune("._-+", rune(c)) {
			return "", problem.InvalidField("name", "field.patch_file_name")
		}
	}
	return name, nil
}
