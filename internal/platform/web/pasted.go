package web

import "strings"

// PastedID reads the id of a thing a person names in a form: the id as
// typed, or the address of its page (under dir, such as "/ideas") pasted
// whole, from which the path segment after dir is taken.
func PastedID(typed, dir string) string {
	s := strings.TrimSpace(typed)
	if i := strings.LastIndex(s, dir+"/"); i >= 0 {
		s = s[i+len(dir)+1:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	return s
}
