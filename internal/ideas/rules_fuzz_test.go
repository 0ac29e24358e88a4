package ideas

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/problem"
)

// FuzzParseFilter: any query string gives either a filter every field of
// which is in bounds, or a 400 naming only fields the list reads.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"", "sort=top&status=planned&product=k3cloud&module=%E6%80%BB%E8%B4%A6&limit=20",
		"sort=hot", "status=done&limit=0", "cursor=aWRlYV8x", "cursor=!!", "limit=201&org=org_1&deployment=public_cloud", "product=%ff"} {
		f.Add(s)
	}
	fields := []string{"sort", "status", "product", "module", "org", "deployment", "limit", "cursor"}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		flt, err := ParseFilter(q)
		if err != nil {
			p, ok := problem.As(err)
			if !ok || p.Status != http.StatusBadRequest || len(p.Fields) == 0 {
				t.Fatalf("%q: %v is not a 400 naming fields", raw, err)
			}
			for _, fe := range p.Fields {
				if !slices.Contains(fields, fe.Field) || fe.Message == "" {
					t.Fatalf("%q names %q", raw, fe.Field)
				}
			}
			return
		}
		if _, ok := sortKeys[flt.Sort]; !ok || flt.Status != "" && !slices.Contains(Statuses, flt.Status) || flt.Limit < 1 || flt.Limit > maxLimit {
			t.Fatalf("%q gave %+v", raw, flt)
		}
		for _, v := range []string{flt.Product, flt.Module, flt.Org, flt.Deployment} {
			if !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxFilterText || v != strings.TrimSpace(v) {
				t.Fatalf("%q gave the filter text %q", raw, v)
			}
		}
		if flt.Cursor != "" {
			if id, err := cursorID(flt.Cursor); err != nil || cursorAfter(id) != flt.Cursor {
				t.Fatalf("%q: cursor %q does not round-trip", raw, flt.Cursor)
			}
		}
	})
}

// FuzzCleanModules: cleaned modules are at most 8, trimmed, non-empty, each
// once whatever its case, at most 40 characters, and cleaning them again
// changes nothing.
func FuzzCleanModules(f *testing.F) {
	for _, s := range []string{"总账,报表", " 总账 ,总账,  报  表 ", "A,a,b", "1,2,3,4,5,6,7,8,9", strings.Repeat("长", 41), "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, joined string) {
		out, fault := cleanModules(strings.Split(joined, ","))
		if fault != "" {
			if len(out) != 0 {
				t.Fatalf("%q: a fault (%s) with modules %q", joined, fault, out)
			}
			return
		}
		if len(out) > maxModules {
			t.Fatalf("%q: %d modules", joined, len(out))
		}
		for i, m := range out {
			if m == "" || m != strings.Join(strings.Fields(m), " ") || utf8.RuneCountInString(m) > maxModule || !utf8.ValidString(m) {
				t.Fatalf("%q: module %q", joined, m)
			}
			for _, o := range out[:i] {
				if strings.EqualFold(o, m) {
					t.Fatalf("%q: %q twice", joined, m)
				}
			}
		}
		if again, fault := cleanModules(out); fault != "" || !slices.Equal(again, out) {
			t.Fatalf("%q: cleaning %q again gave %q %s", joined, out, again, fault)
		}
	})
}

var imageNameShape = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_-]{0,59}\.(png|jpg|gif|webp)$`)

// FuzzImage: only PNG, JPEG, GIF and WebP bytes are taken for pictures
// (never what a browser would run as a page), and any uploaded name becomes
// a plain name with the extension of the sniffed type.
func FuzzImage(f *testing.F) {
	f.Add("screenshot.png", []byte("\x89PNG\r\n\x1a\n"))
	f.Add(`C:\截图\a b (1).JPG`, []byte("\xff\xd8\xff\xe0"))
	f.Add("../../etc/passwd", []byte("GIF89a"))
	f.Add("x.webp", []byte("RIFF\x00\x00\x00\x00WEBPVP8 "))
	f.Add("x.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`))
	f.Add("%2e%2e.png", []byte("<html><script>"))
	f.Fuzz(func(t *testing.T, uploaded string, head []byte) {
		ct := SniffImage(head)
		if ct == "" {
			return
		}
		if _, ok := imageTypes[ct]; !ok || http.DetectContentType(head) != ct {
			t.Fatalf("%q sniffed as %q", head, ct)
		}
		name := ImageName(uploaded, ct)
		if !imageNameShape.MatchString(name) || !strings.HasSuffix(name, imageTypes[ct]) || url.PathEscape(name) != name {
			t.Fatalf("%q (%s) named %q", uploaded, ct, name)
		}
	})
}
